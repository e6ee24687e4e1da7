package sig

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// RFC 4231 test case 2.
func TestHMACSHA256KnownVector(t *testing.T) {
	got := HMACSHA256Hex([]byte("Jefe"), []byte("what do ya want for nothing?"))
	assert.Equal(t, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", got)
	assert.Equal(t, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=", HMACSHA256Base64([]byte("Jefe"), []byte("what do ya want for nothing?")))
}

func TestEqual(t *testing.T) {
	assert.True(t, EqualString("abc", "abc"))
	assert.False(t, EqualString("abc", "abd"))
	assert.False(t, EqualString("abc", "ab"))
	assert.True(t, Equal([]byte{1, 2}, []byte{1, 2}))
	assert.False(t, Equal([]byte{1, 2}, []byte{1, 3}))
}
