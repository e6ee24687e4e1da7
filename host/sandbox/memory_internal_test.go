package sandbox

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/sandbox/internal/interrupt"
)

// A linear memory grows in place up to the limit it was reserved with and
// no further (the guest's memory.grow then fails), and once released it
// hands out nothing.
func TestLinearMemoryGrowsInPlaceUpToItsLimit(t *testing.T) {
	m, err := newLinearMemory(64<<10, 1<<20, nil)
	require.NoError(t, err)
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

// Instances of one module map its initial memory image copy-on-write: each
// starts with the image at its offset and zeros elsewhere, and what one
// writes neither the image nor the other instance sees.
func TestInstancesShareTheInitialMemoryImageCopyOnWrite(t *testing.T) {
	if !mmapSupported {
		t.Skip("initial memory images need Linux")
	}
	data := bytes.Repeat([]byte("image"), 3000) // 15,000 bytes: a partial last page
	img, err := newMemoryImage(interrupt.Image{Offset: 65536, Bytes: data})
	require.NoError(t, err)
	a, err := newLinearMemory(2<<16, 4<<16, img)
	require.NoError(t, err)
	defer a.release()
	b, err := newLinearMemory(2<<16, 4<<16, img)
	require.NoError(t, err)
	defer b.release()
	ma, mb := a.Reallocate(2<<16), b.Reallocate(2<<16)
	for _, m := range [][]byte{ma, mb} {
		assert.Equal(t, make([]byte, 65536), m[:65536], "zeros before the image")
		assert.Equal(t, data, m[65536:65536+len(data)], "the image at its offset")
		assert.Equal(t, make([]byte, 2<<16-65536-len(data)), m[65536+len(data):], "zeros after it, to the end of the memory")
	}
	ma[65536] = 'X'
	ma[65536+len(data)+1] = 'Y'
	assert.Equal(t, byte('i'), mb[65536], "a write stays in its instance")
	assert.Zero(t, mb[65536+len(data)+1])
	c, err := newLinearMemory(2<<16, 4<<16, img)
	require.NoError(t, err)
	defer c.release()
	assert.Equal(t, data, c.Reallocate(2 << 16)[65536:65536+len(data)], "and never reaches the image")
	grown := a.Reallocate(4 << 16)
	assert.Equal(t, byte('X'), grown[65536], "growing keeps the instance's writes")

	// Where no mapping can be made, the memory is a copy on the Go heap.
	h, err := heapMemoryWith(2<<16, img)
	require.NoError(t, err)
	assert.Equal(t, data, h.Reallocate(2 << 16)[65536:65536+len(data)])
	_, err = heapMemoryWith(65536, img)
	assert.Error(t, err, "an image that does not fit is an error, never a memory without it")
}

// A Go plugin's data segments come out of the module it compiles into an
// image its instances map (Linux): the load, which runs the Go runtime's
// _initialize and the manifest export over that memory, succeeds.
func TestGoPluginsLoadWithTheirInitialMemoryAsAnImage(t *testing.T) {
	if !mmapSupported {
		t.Skip("initial memory images need Linux")
	}
	p := loadInternal(t, "./host/sandbox/testdata/faulty", "faulty")
	require.NotNil(t, p.image, "the data segments were taken out")
	assert.Greater(t, p.image.size, uint64(64<<10))
	assert.NotEmpty(t, p.ManifestBytes())
}
