// Package jsonw writes JSON without reflection: connectors build request
// bodies field by field, in a fixed order, which is fast inside WebAssembly
// and deterministic.
//
//	o := jsonw.NewObject()
//	o.String("merchantAccount", acct)
//	o.Object("amount", func(a *jsonw.Object) {
//		a.Int("value", 1000)
//		a.String("currency", "EUR")
//	})
//	body := o.Bytes()
package jsonw

import (
	"strconv"
	"unicode/utf8"
)

// Object is a JSON object being written.
type Object struct {
	buf   []byte
	first bool
}

// NewObject starts an object.
func NewObject() *Object { return &Object{buf: append(make([]byte, 0, 512), '{'), first: true} }

// Bytes closes the object and returns it. Do not write to o afterwards.
func (o *Object) Bytes() []byte { return append(o.buf, '}') }

func (o *Object) key(k string) {
	if !o.first {
		o.buf = append(o.buf, ',')
	}
	o.first = false
	o.buf = AppendString(o.buf, k)
	o.buf = append(o.buf, ':')
}

// String writes k: "v".
func (o *Object) String(k, v string) *Object { o.key(k); o.buf = AppendString(o.buf, v); return o }

// StringIf writes k: "v" when v is not empty.
func (o *Object) StringIf(k, v string) *Object {
	if v != "" {
		o.String(k, v)
	}
	return o
}

// Int writes k: n.
func (o *Object) Int(k string, n int64) *Object {
	o.key(k)
	o.buf = strconv.AppendInt(o.buf, n, 10)
	return o
}

// Bool writes k: true|false.
func (o *Object) Bool(k string, b bool) *Object {
	o.key(k)
	o.buf = strconv.AppendBool(o.buf, b)
	return o
}

// Raw writes k: raw, where raw is already valid JSON.
func (o *Object) Raw(k string, raw []byte) *Object { o.key(k); o.buf = append(o.buf, raw...); return o }

// Object writes k: {...} filled by fn.
func (o *Object) Object(k string, fn func(*Object)) *Object {
	o.key(k)
	child := &Object{buf: append(o.buf, '{'), first: true}
	fn(child)
	o.buf = append(child.buf, '}')
	return o
}

// Array writes k: [...] filled by fn.
func (o *Object) Array(k string, fn func(*Array)) *Object {
	o.key(k)
	a := &Array{buf: append(o.buf, '['), first: true}
	fn(a)
	o.buf = append(a.buf, ']')
	return o
}

// StringMap writes k: {"a": "b", ...} with keys in the order given.
func (o *Object) StringMap(k string, keys []string, m map[string]string) *Object {
	return o.Object(k, func(c *Object) {
		for _, key := range keys {
			c.String(key, m[key])
		}
	})
}

// Array is a JSON array being written.
type Array struct {
	buf   []byte
	first bool
}

func (a *Array) sep() {
	if !a.first {
		a.buf = append(a.buf, ',')
	}
	a.first = false
}

// String appends "v".
func (a *Array) String(v string) { a.sep(); a.buf = AppendString(a.buf, v) }

// Int appends n.
func (a *Array) Int(n int64) { a.sep(); a.buf = strconv.AppendInt(a.buf, n, 10) }

// Object appends {...} filled by fn.
func (a *Array) Object(fn func(*Object)) {
	a.sep()
	child := &Object{buf: append(a.buf, '{'), first: true}
	fn(child)
	a.buf = append(child.buf, '}')
}

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string literal (RFC 8259 escaping; invalid
// UTF-8 becomes U+FFFD).
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
