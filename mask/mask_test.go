package mask

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMask(t *testing.T) {
	assert.Equal(t, "************4242", PAN("4242424242424242"))
	assert.Equal(t, "***", PAN("123"))
	assert.Equal(t, "sk_t****", Secret("sk_test_1234567890"))
	assert.Equal(t, "****", Secret("short"))
	assert.Equal(t, "key=[redacted] cvc=[redacted] ok", Redact("key=sk_test_123 cvc=1234 ok", "sk_test_123", "1234", "ab"))
}
