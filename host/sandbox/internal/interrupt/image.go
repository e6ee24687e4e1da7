package interrupt

import "sort"

// Initial memory images.
//
// wazero keeps every decoded data segment for the life of the compiled
// module and copies them into each new instance: for a Go plugin the same
// 2-3 MiB of initial memory is held once in the host's heap and once more in
// every instance's linear memory. ExtractImage takes the data segments out
// of the module instead and returns the initial memory they describe, so the
// host can map that image into each instance copy-on-write (one copy shared
// by the module and all its instances, pages copied only when written).
//
// It does so only where that is exact: every segment active in memory 0 at
// an i32.const offset, no two overlapping (so their order cannot matter), no
// function naming a segment by index (memory.init, data.drop), the module
// defining its own 32-bit memory, and every segment inside that memory's
// initial size (otherwise instantiation must fail, and wazero says so).

// Image is a module's initial memory as its data segments write it: Bytes
// are the memory from Offset on (Offset is a multiple of 64 KiB; everything
// outside is zero).
type Image struct {
	Offset uint64
	Bytes  []byte
}

// imageAlign is the alignment of Image.Offset: a Wasm page, so any host page
// size up to 64 KiB can map the image at its place.
const imageAlign = 65536

// ExtractImage returns wasm without its data segments (and without a data
// count section) and the initial memory they wrote. ok is false, with wasm
// returned unchanged, when the extraction would not be exact or the module
// has no data.
func ExtractImage(wasm []byte) (module []byte, img Image, ok bool) {
	secs, err := sections(wasm)
	if err != nil {
		return wasm, Image{}, false
	}
	di := indexOf(secs, secData)
	if di < 0 {
		return wasm, Image{}, false
	}
	a, err := Analyze(wasm)
	if err != nil || a.DataIndices {
		return wasm, Image{}, false
	}
	for _, imp := range a.Imports {
		if imp.Kind == "memory" {
			return wasm, Image{}, false
		}
	}
	minBytes, ok := initialMemoryBytes(secs)
	if !ok {
		return wasm, Image{}, false
	}
	segs, ok := activeConstSegments(secs[di].body)
	if !ok || len(segs) == 0 {
		return wasm, Image{}, false
	}
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].offset < segs[j].offset })
	for i := 1; i < len(segs); i++ {
		if segs[i-1].offset+uint64(len(segs[i-1].init)) > segs[i].offset {
			return wasm, Image{}, false // overlapping: their order matters
		}
	}
	last := segs[len(segs)-1]
	end := last.offset + uint64(len(last.init))
	if end > minBytes {
		return wasm, Image{}, false // out of bounds: instantiation must fail
	}
	img.Offset = segs[0].offset / imageAlign * imageAlign
	img.Bytes = make([]byte, end-img.Offset)
	for _, s := range segs {
		copy(img.Bytes[s.offset-img.Offset:], s.init)
	}
	out := make([]byte, 0, len(wasm))
	out = append(out, wasm[:8]...)
	for _, s := range secs {
		if s.id == secData || s.id == secDataCount {
			continue
		}
		out = append(out, s.id)
		out = appendU32(out, uint32(len(s.body)))
		out = append(out, s.body...)
	}
	return out, img, true
}

// initialMemoryBytes returns the initial size in bytes of the memory the module
// defines, and false when it defines none, more than one, or a 64-bit or
// shared one.
func initialMemoryBytes(secs []section) (uint64, bool) {
	mi := indexOf(secs, secMemory)
	if mi < 0 {
		return 0, false
	}
	r := &reader{b: secs[mi].body}
	n, err := r.u32()
	if err != nil || n != 1 {
		return 0, false
	}
	flag, err := r.byte()
	if err != nil || flag&^1 != 0 { // only "has a maximum"; no shared or 64-bit memory
		return 0, false
	}
	pages, err := r.u32()
	if err != nil {
		return 0, false
	}
	return uint64(pages) * 65536, true
}
