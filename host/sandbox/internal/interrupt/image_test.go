package interrupt

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
)

// A module's data segments come out as one image: the module without them,
// with the image written at its offset, starts with the same memory byte for
// byte as the module with them.
func TestExtractImageKeepsTheInitialMemory(t *testing.T) {
	in := dataModule([]testSegment{{70000 - 65536, "far"}, {1000, "abc"}, {30000, "defg"}, {65532, "last"}}, false)
	out, img, ok := ExtractImage(in)
	require.True(t, ok)
	secs, err := sections(out)
	require.NoError(t, err)
	assert.Negative(t, indexOf(secs, secData), "no data section left")
	assert.Negative(t, indexOf(secs, secDataCount), "nor a data count")
	assert.Zero(t, img.Offset%65536, "the image starts on a page")
	assert.Equal(t, uint64(65536), img.Offset+uint64(len(img.Bytes)), "and ends with the last segment")

	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	t.Cleanup(func() { _ = rt.Close(ctx) })
	mod, err := rt.Instantiate(ctx, out)
	require.NoError(t, err)
	mem := mod.ExportedMemory("memory")
	require.True(t, mem.Write(uint32(img.Offset), img.Bytes))
	got, ok := mem.Read(0, 65536)
	require.True(t, ok)
	assert.Equal(t, initialMemory(t, in), got)
}

// Where taking the segments out would not be exact, the module is returned
// as it was.
func TestExtractImageLeavesWhatItCannotRepresent(t *testing.T) {
	for name, in := range map[string][]byte{
		"memory.init names a segment":                                 dataModule([]testSegment{{10, "abc"}}, true),
		"overlapping segments":                                        dataModule([]testSegment{{10, "abcdef"}, {12, "X"}}, false),
		"a segment past the initial memory (instantiation must fail)": dataModule([]testSegment{{65534, "abcd"}}, false),
		"no data": dataModule(nil, false),
	} {
		t.Run(name, func(t *testing.T) {
			out, img, ok := ExtractImage(in)
			assert.False(t, ok)
			assert.Equal(t, in, out)
			assert.Empty(t, img.Bytes)
		})
	}
}
