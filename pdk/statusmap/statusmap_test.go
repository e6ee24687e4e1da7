package statusmap

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUnknownGetsFallback(t *testing.T) {
	m := New(map[string]int{"succeeded": 1, "failed": 2}, 9)
	assert.Equal(t, 1, m.Get("succeeded"))
	assert.Equal(t, 9, m.Get("brand_new_status"))
	_, ok := m.Lookup("brand_new_status")
	assert.False(t, ok)
	assert.Equal(t, 9, m.Fallback())
	assert.ElementsMatch(t, []string{"succeeded", "failed"}, m.Keys())
}
