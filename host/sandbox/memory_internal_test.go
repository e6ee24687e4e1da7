package sandbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A linear memory grows in place up to the limit it was reserved with and
// no further (the guest's memory.grow then fails), and once released it
// hands out nothing.
func TestLinearMemoryGrowsInPlaceUpToItsLimit(t *testing.T) {
	m := newLinearMemory(64<<10, 1<<20)
	b := m.Reallocate(64 << 10)
	require.Len(t, b, 64<<10)
	b[0], b[len(b)-1] = 1, 2
	grown := m.Reallocate(1 << 20)
	require.Len(t, grown, 1<<20)
	assert.Equal(t, byte(1), grown[0], "growing keeps the contents")
	assert.Equal(t, byte(2), grown[64<<10-1])
	if mmapSupported {
		assert.Same(t, &b[0], &grown[0], "and does not move the memory")
		assert.Nil(t, m.Reallocate(1<<20+65536), "past the limit")
	}
	m.release()
	m.release() // twice is harmless
	if mmapSupported {
		assert.Nil(t, m.Reallocate(64<<10), "a released memory hands out nothing")
	}
}
