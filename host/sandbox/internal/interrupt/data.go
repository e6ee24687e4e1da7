package interrupt

import (
	"errors"
	"sort"
)

// Data segment compaction.
//
// Go's linker writes a module's initial memory as tens of thousands of small
// active data segments (56,197 for the Stripe plugin: it splits the data at
// every run of zero bytes). wazero keeps each decoded segment for the
// lifetime of the compiled module, about 100 bytes apiece on top of its
// bytes, and copies them one by one into every new instance. When the rewrite
// is exact, Instrument merges segments separated by at most mergeGapBytes of
// unwritten memory into one, writing those gaps as zeros (linear memory
// starts zeroed, so the initial memory is the same byte for byte): the
// Stripe plugin drops to 17 segments, about 6 MiB less host heap per plugin.
//
// The rewrite is exact only when the order of the segments cannot matter
// and nothing refers to a segment by index, so compactData leaves the data
// section as it is unless every segment is active, in memory 0, at an
// i32.const offset, no two overlap, and no function uses memory.init or
// data.drop.

// mergeGapBytes is the longest run of unwritten memory between two
// segments that are merged.
const mergeGapBytes = 64

const (
	secData      = 11
	secDataCount = 12
)

type dataSegment struct {
	offset uint64
	init   []byte
}

// compactData merges secs' data segments in place where that is exact (see
// above); otherwise it leaves them. dataIndices reports that the code names
// segments by index (Analysis.DataIndices).
func compactData(secs []section, dataIndices bool) {
	di := indexOf(secs, secData)
	if di < 0 || dataIndices {
		return
	}
	segs, ok := activeConstSegments(secs[di].body)
	if !ok || len(segs) < 2 {
		return
	}
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].offset < segs[j].offset })
	for i := 1; i < len(segs); i++ {
		if segs[i-1].offset+uint64(len(segs[i-1].init)) > segs[i].offset {
			return // overlapping segments: their order matters
		}
	}
	// Each merged segment is a slice of one buffer the size of all of them,
	// gaps included, so the merge allocates once: growing each merged
	// segment by appending reallocated it over and over (17 MB of garbage
	// for the Stripe plugin's 2 MB of data, on every load).
	var merged []dataSegment
	var total uint64
	for i, s := range segs {
		if i > 0 {
			prev := segs[i-1]
			if gap := s.offset - (prev.offset + uint64(len(prev.init))); gap <= mergeGapBytes {
				total += gap
			}
		}
		total += uint64(len(s.init))
	}
	buf := make([]byte, 0, total)
	for _, s := range segs {
		if n := len(merged); n > 0 {
			last := &merged[n-1]
			end := last.offset + uint64(len(last.init))
			if s.offset-end <= mergeGapBytes {
				start := len(buf) - len(last.init)
				buf = append(buf, make([]byte, s.offset-end)...)
				buf = append(buf, s.init...)
				last.init = buf[start:len(buf):len(buf)]
				continue
			}
		}
		start := len(buf)
		buf = append(buf, s.init...)
		merged = append(merged, dataSegment{offset: s.offset, init: buf[start:len(buf):len(buf)]})
	}
	out := make([]byte, 0, total+uint64(len(merged))*16)
	out = appendU32(out, uint32(len(merged)))
	for _, s := range merged {
		out = append(out, 0x00, 0x41) // active, memory 0; i32.const
		out = appendS32(out, int32(uint32(s.offset)))
		out = append(out, 0x0b)
		out = appendU32(out, uint32(len(s.init)))
		out = append(out, s.init...)
	}
	secs[di].body = out
	if ci := indexOf(secs, secDataCount); ci >= 0 {
		secs[ci].body = appendU32(nil, uint32(len(merged)))
	}
}

// activeConstSegments decodes a data section whose segments are all active
// in memory 0 at an i32.const offset within the 32-bit address space, and
// reports false for any other (or a malformed) section.
func activeConstSegments(body []byte) ([]dataSegment, bool) {
	r := &reader{b: body}
	n, err := r.u32()
	if err != nil || uint64(n) > uint64(len(body)) {
		return nil, false
	}
	segs := make([]dataSegment, 0, n)
	for i := uint32(0); i < n; i++ {
		flag, err := r.u32()
		if err != nil || flag != 0 {
			return nil, false
		}
		if op, err := r.byte(); err != nil || op != 0x41 {
			return nil, false
		}
		off, err := r.s32()
		if err != nil {
			return nil, false
		}
		if end, err := r.byte(); err != nil || end != 0x0b {
			return nil, false
		}
		size, err := r.u32()
		if err != nil {
			return nil, false
		}
		init, err := r.take(int(size))
		if err != nil {
			return nil, false
		}
		s := dataSegment{offset: uint64(uint32(off)), init: init}
		if s.offset+uint64(len(init)) > 1<<32 {
			return nil, false
		}
		segs = append(segs, s)
	}
	if r.pos != len(body) {
		return nil, false
	}
	return segs, true
}

// s32 decodes a signed LEB128 i32.
func (r *reader) s32() (int32, error) {
	var v int64
	var shift uint
	for i := 0; i < 5; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			if v < -1<<31 || v > 1<<31-1 {
				return 0, errors.New("interrupt: i32 constant out of range")
			}
			return int32(v), nil
		}
	}
	return 0, errors.New("interrupt: LEB128 too long")
}
