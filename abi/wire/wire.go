// Package wire is the guest's protobuf codec: Unmarshal and Marshal walk a
// message described by a Table (one per generated message, written as data
// by internal/gencodec into gen/**/*_codec_lite.pb.go), using the decoder and
// encoder of the wire format.
//
// Protobuf code generators usually write two or three functions per message
// (an inlined varint loop per field, a size pass). In a Go Wasm plugin those
// functions were a third of the module, which the host compiles, validates
// and keeps in memory for every plugin; a table is data, and one interpreter
// serves every message. The bytes are protobuf-go's with Deterministic: true
// (fields outside oneofs by number, then oneofs; map entries in key order;
// repeated enums packed), which internal/genlite's test checks for every
// message that crosses the plugin ABI.
//
// The package needs only the standard library's slices, maps, errors and
// strconv, and it never panics on malformed input: the first problem is kept
// and returned.
package wire

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"unsafe"
)

// Wire types (https://protobuf.dev/programming-guides/encoding/).
const (
	typeVarint = 0
	typeI64    = 1
	typeLen    = 2
	typeStart  = 3
	typeEnd    = 4
	typeI32    = 5
)

// errTruncated is the error for input that ends inside a field.
var errTruncated = errors.New("proto: unexpected end of input")

// decoder reads one message's fields in turn (see into, which loops
// `for d.Next()` and dispatches on d.field); the first problem is kept in err.
type decoder struct {
	b     []byte
	i     int   // the next byte to read
	tag   int   // where the current field's tag starts (for Unknown)
	field int32 // the current field's number
	typ   int8  // the current field's wire type
	alias bool  // strings and bytes share b's memory (see UnmarshalAliased)
	err   error
}

// Next reads the next field's tag, reporting false at the end of the
// message or after an error.
func (d *decoder) Next() bool {
	if d.err != nil || d.i >= len(d.b) {
		return false
	}
	d.tag = d.i
	v := d.varint()
	if d.err != nil {
		return false
	}
	num, typ := v>>3, int8(v&7)
	switch {
	case num == 0 || num > 1<<29-1:
		d.err = errors.New("proto: illegal field number " + strconv.FormatUint(num, 10))
	case typ == typeEnd || typ == typeStart || typ > typeI32:
		d.err = errors.New("proto: field " + strconv.FormatUint(num, 10) + ": unsupported wire type " + strconv.Itoa(int(typ)))
	}
	d.field, d.typ = int32(num), typ
	return d.err == nil
}

// Field is the current field's number.
func (d *decoder) Field() int32 { return d.field }

// Err returns the first problem found, or nil.
func (d *decoder) Err() error { return d.err }

// Fail records err (a nested message's error) unless a problem was found
// already.
func (d *decoder) Fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

// varint reads a base-128 varint at the read position.
func (d *decoder) varint() uint64 {
	var v uint64
	for shift := uint(0); shift < 70; shift += 7 {
		if d.i >= len(d.b) {
			d.err = errTruncated
			return 0
		}
		c := d.b[d.i]
		d.i++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	d.err = errors.New("proto: varint overflows 64 bits")
	return 0
}

// want checks the current field's wire type.
func (d *decoder) want(typ int8) bool {
	if d.typ == typ {
		return true
	}
	d.Fail(errors.New("proto: field " + strconv.Itoa(int(d.field)) + ": wrong wire type " + strconv.Itoa(int(d.typ)) +
		" (want " + strconv.Itoa(int(typ)) + ")"))
	d.skip()
	return false
}

// Uint64 reads a varint field (uint64, or the bits of any varint scalar).
func (d *decoder) Uint64() uint64 {
	if !d.want(typeVarint) {
		return 0
	}
	return d.varint()
}

// Int64 reads an int64 field.
func (d *decoder) Int64() int64 { return int64(d.Uint64()) }

// Int32 reads an int32 or enum field (the low 32 bits, as protobuf-go does).
func (d *decoder) Int32() int32 { return int32(d.Uint64()) }

// Uint32 reads a uint32 field.
func (d *decoder) Uint32() uint32 { return uint32(d.Uint64()) }

// Bool reads a bool field.
func (d *decoder) Bool() bool { return d.Uint64() != 0 }

// Message reads a length-delimited field's contents (a nested message, in
// the input's memory), reporting whether there was one.
func (d *decoder) Message() ([]byte, bool) {
	if !d.want(typeLen) {
		return nil, false
	}
	n := d.varint()
	if d.err != nil {
		return nil, false
	}
	if n > uint64(len(d.b)-d.i) {
		d.err = errTruncated
		return nil, false
	}
	b := d.b[d.i : d.i+int(n) : d.i+int(n)]
	d.i += int(n)
	return b, true
}

// String reads a string field.
func (d *decoder) String() string {
	b, _ := d.Message()
	return d.str(b)
}

// str is b as a string: b's own memory when the decoder aliases.
func (d *decoder) str(b []byte) string {
	if d.alias && len(b) > 0 {
		return unsafe.String(&b[0], len(b))
	}
	return string(b)
}

// Bytes reads a bytes field into a new slice (never nil once read, so a
// oneof's empty bytes stay set), or, when the decoder aliases, the input's
// own bytes.
func (d *decoder) Bytes() []byte {
	b, ok := d.Message()
	if !ok {
		return nil
	}
	if d.alias {
		return b
	}
	return append([]byte{}, b...)
}

// AppendStrings reads one element of a repeated string field onto s.
func (d *decoder) AppendStrings(s []string) []string {
	if b, ok := d.Message(); ok {
		return append(s, d.str(b))
	}
	return s
}

// appendVarints reads a repeated varint field, packed or not, onto s
// (conv makes each element from its varint's bits).
func appendVarints[T any](d *decoder, s []T, conv func(uint64) T) []T {
	if d.typ == typeVarint {
		v := d.varint()
		if d.err != nil {
			return s
		}
		return append(s, conv(v))
	}
	b, ok := d.Message()
	if !ok {
		return s
	}
	packed := decoder{b: b}
	for packed.i < len(b) && packed.err == nil {
		v := packed.varint()
		if packed.err == nil {
			s = append(s, conv(v))
		}
	}
	d.Fail(packed.err)
	return s
}

// appendEnums reads a repeated enum field, packed or not, onto s.
func appendEnums[E ~int32](d *decoder, s []E) []E {
	return appendVarints(d, s, func(v uint64) E { return E(int32(v)) })
}

// StringMapEntry reads one entry of a map<string, string> field into m,
// making m when it is nil, and returns m.
func (d *decoder) StringMapEntry(m map[string]string) map[string]string {
	b, ok := d.Message()
	if !ok {
		return m
	}
	var k, v string
	entry := decoder{b: b, alias: d.alias}
	for entry.Next() {
		switch entry.field {
		case 1:
			k = entry.String()
		case 2:
			v = entry.String()
		default:
			entry.skip()
		}
	}
	if entry.err != nil {
		d.Fail(entry.err)
		return m
	}
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

// skip moves past the current field's value.
func (d *decoder) skip() {
	switch d.typ {
	case typeVarint:
		d.varint()
	case typeI64, typeI32:
		n := 8
		if d.typ == typeI32 {
			n = 4
		}
		if len(d.b)-d.i < n {
			d.err = errTruncated
			return
		}
		d.i += n
	case typeLen:
		n := d.varint()
		if d.err == nil && n > uint64(len(d.b)-d.i) {
			d.err = errTruncated
		}
		if d.err == nil {
			d.i += int(n)
		}
	}
}

// Unknown skips a field the message does not declare, appending its bytes
// (tag and value) to unknown, and returns unknown: a message keeps what it
// does not know and writes it back unchanged.
func (d *decoder) Unknown(unknown []byte) []byte {
	d.skip()
	if d.err != nil {
		return unknown
	}
	return append(unknown, d.b[d.tag:d.i]...)
}

// encoder appends fields to a message's encoding. The zero encoder is ready.
// Its methods write what they are given; which fields to leave out (proto3's
// zero values) is the caller's decision (see Marshal).
type encoder struct{ b []byte }

// Encoded returns the encoding.
func (e *encoder) Encoded() []byte { return e.b }

func (e *encoder) varint(v uint64) {
	for v >= 0x80 {
		e.b = append(e.b, byte(v)|0x80)
		v >>= 7
	}
	e.b = append(e.b, byte(v))
}

func (e *encoder) tag(num int32, typ int) { e.varint(uint64(num)<<3 | uint64(typ)) }

// Uint64 writes a varint field (uint64, or any varint scalar's bits).
func (e *encoder) Uint64(num int32, v uint64) {
	e.tag(num, typeVarint)
	e.varint(v)
}

// Int64 writes an int64 field.
func (e *encoder) Int64(num int32, v int64) { e.Uint64(num, uint64(v)) }

// Int32 writes an int32 or enum field (negative values take ten bytes,
// sign-extended, as protobuf-go writes them).
func (e *encoder) Int32(num int32, v int32) { e.Uint64(num, uint64(int64(v))) }

// Uint32 writes a uint32 field.
func (e *encoder) Uint32(num int32, v uint32) { e.Uint64(num, uint64(v)) }

// Bool writes a bool field.
func (e *encoder) Bool(num int32, v bool) {
	var n uint64
	if v {
		n = 1
	}
	e.Uint64(num, n)
}

// String writes a string field.
func (e *encoder) String(num int32, v string) {
	e.tag(num, typeLen)
	e.varint(uint64(len(v)))
	e.b = append(e.b, v...)
}

// Bytes writes a bytes field.
func (e *encoder) Bytes(num int32, v []byte) {
	e.tag(num, typeLen)
	e.varint(uint64(len(v)))
	e.b = append(e.b, v...)
}

// Strings writes a repeated string field.
func (e *encoder) Strings(num int32, s []string) {
	for _, v := range s {
		e.String(num, v)
	}
}

// packedVarints writes a repeated varint field, packed (proto3's default),
// bits giving each element's varint.
func packedVarints[T any](e *encoder, num int32, s []T, bits func(T) uint64) {
	if len(s) == 0 {
		return
	}
	at := e.Open(num)
	for _, v := range s {
		e.varint(bits(v))
	}
	e.Close(at)
}

// packedEnums writes a repeated enum field, packed.
func packedEnums[E ~int32](e *encoder, num int32, s []E) {
	packedVarints(e, num, s, func(v E) uint64 { return uint64(int64(v)) })
}

// StringMap writes a map<string, string> field, its entries in key order
// (as protobuf-go's Deterministic option does), each with key and value.
func (e *encoder) StringMap(num int32, m map[string]string) {
	if len(m) == 0 {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		at := e.Open(num)
		e.String(1, k)
		e.String(2, m[k])
		e.Close(at)
	}
}

// Open starts a length-delimited field (a nested message) and returns what
// Close needs to finish it: the message's fields are appended in between.
func (e *encoder) Open(num int32) int {
	e.tag(num, typeLen)
	e.b = append(e.b, 0) // the length, one byte until Close knows better
	return len(e.b)
}

// Close finishes the field Open started at, writing its length: in place
// when it fits the byte reserved for it, else moving the contents to make
// room.
func (e *encoder) Close(at int) {
	n := len(e.b) - at
	if n < 0x80 {
		e.b[at-1] = byte(n)
		return
	}
	size := 1
	for v := n >> 7; v > 0; v >>= 7 {
		size++
	}
	e.b = slices.Insert(e.b, at, make([]byte, size-1)...)
	i := at - 1
	for v := uint64(n); ; v >>= 7 {
		if v < 0x80 {
			e.b[i] = byte(v)
			break
		}
		e.b[i] = byte(v) | 0x80
		i++
	}
}

// Raw appends bytes already encoded (a message's unknown fields).
func (e *encoder) Raw(b []byte) { e.b = append(e.b, b...) }
