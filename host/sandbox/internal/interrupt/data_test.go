package interrupt

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
)

type testSegment struct {
	offset int32
	init   string
}

// dataModule is a module with one exported page of memory, initialised by
// segs (in that order), and one function that uses memory.init when useInit.
func dataModule(segs []testSegment, useInit bool) []byte {
	sec := func(out []byte, id byte, body []byte) []byte {
		return append(appendU32(append(out, id), uint32(len(body))), body...)
	}
	m := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	m = sec(m, 1, []byte{0x01, 0x60, 0x00, 0x00})                         // type () -> ()
	m = sec(m, 3, []byte{0x01, 0x00})                                     // one function
	m = sec(m, 5, []byte{0x01, 0x00, 0x01})                               // memory min 1
	m = sec(m, 7, append(appendName([]byte{0x01}, "memory"), 0x02, 0x00)) // export it
	m = sec(m, secDataCount, appendU32(nil, uint32(len(segs))))           // data count
	body := []byte{0x00}                                                  // no locals
	if useInit {
		body = append(body, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x00, 0x00) // memory.init 0 0 0
	}
	body = append(body, 0x0b)
	m = sec(m, secCode, append(appendU32([]byte{0x01}, uint32(len(body))), body...))
	data := appendU32(nil, uint32(len(segs)))
	for _, s := range segs {
		data = appendS32(append(data, 0x00, 0x41), s.offset)
		data = appendU32(append(data, 0x0b), uint32(len(s.init)))
		data = append(data, s.init...)
	}
	return sec(m, secData, data)
}

// initialMemory instantiates wasm and returns its first page.
func initialMemory(t *testing.T, wasm []byte) []byte {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	t.Cleanup(func() { _ = rt.Close(ctx) })
	require.NoError(t, InstantiateYield(ctx, rt))
	mod, err := rt.Instantiate(ctx, wasm)
	require.NoError(t, err)
	b, ok := mod.ExportedMemory("memory").Read(0, 65536)
	require.True(t, ok)
	return append([]byte(nil), b...)
}

func dataSegmentCount(t *testing.T, wasm []byte) int {
	secs, err := sections(wasm)
	require.NoError(t, err)
	segs, ok := activeConstSegments(secs[indexOf(secs, secData)].body)
	require.True(t, ok)
	return len(segs)
}

// Go's linker writes a module's data as many small segments; the rewrite
// merges those a few zero bytes apart, in any order, and the instance starts
// with the same memory byte for byte.
func TestInstrumentMergesDataSegmentsKeepingTheInitialMemory(t *testing.T) {
	in := dataModule([]testSegment{
		{1000, "far"}, {10, "abc"}, {20, "defg"}, {24, "h"}, {80, "ij"}, {5000, ""}, {30000, "last"},
	}, false)
	out, err := Instrument(in)
	require.NoError(t, err)
	assert.Equal(t, initialMemory(t, in), initialMemory(t, out))
	assert.Equal(t, 4, dataSegmentCount(t, out), "10..82 merge (gaps of at most 64 bytes); 1000, 5000 and 30000 stay apart")
	secs, err := sections(out)
	require.NoError(t, err)
	r := &reader{b: secs[indexOf(secs, secDataCount)].body}
	n, err := r.u32()
	require.NoError(t, err)
	assert.Equal(t, uint32(4), n, "the data count section agrees")
}

// Where the order of segments matters (they overlap) or a function names
// them by index (memory.init, data.drop), the data section is left alone.
func TestInstrumentKeepsDataSegmentsWhenMergingWouldNotBeExact(t *testing.T) {
	for name, in := range map[string][]byte{
		"overlapping":     dataModule([]testSegment{{10, "abcdef"}, {12, "XY"}, {40, "z"}}, false),
		"memory.init use": dataModule([]testSegment{{10, "abc"}, {20, "def"}}, true),
	} {
		t.Run(name, func(t *testing.T) {
			out, err := Instrument(in)
			require.NoError(t, err)
			assert.Equal(t, dataSegmentCount(t, in), dataSegmentCount(t, out))
			assert.Equal(t, initialMemory(t, in), initialMemory(t, out))
		})
	}
}
