package pdk

import (
	"sort"
	"strconv"
	"strings"

	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// Body is a request body built from dotted keys, written as a form or as
// JSON (API.Encoding): "card.number" is card[number] in a form and
// {"card":{"number":...}} in JSON; a key ending in "[]" appends an array
// element ("expand[]"); "items[0].name" is items[0][name] in a form and
// {"items":[{"name":...}]} in JSON (use indexes from 0 upwards, in order).
// Keys keep the order they were first set in, so the bytes are the same on
// every call.
type Body struct{ entries []bodyEntry }

// indexMark starts a path segment that is an array index ("items[0]"):
// a byte no key the PDK writes can contain.
const indexMark = "\x00"

type bodyEntry struct {
	// key is the key as set, without a trailing "[]" (array); for a SetMap
	// entry, the map's key (its path split at dots only) and leaf is the
	// map entry's key, one more segment taken literally.
	key     string
	leaf    string
	fromMap bool
	array   bool
	raw     bool // a JSON number or boolean, written unquoted in JSON
	value   string
}

// add records the key as written: its path is taken apart only when the
// body is encoded (a form key is written straight from it, with no
// allocation per value; the JSON tree needs the segments).
func (b *Body) add(key, value string, raw bool) {
	e := bodyEntry{value: value, raw: raw}
	if strings.HasSuffix(key, "[]") {
		key, e.array = key[:len(key)-2], true
	}
	e.key = key
	b.entries = append(b.entries, e)
}

// walk calls name for each member name of e's path and index for each
// array index ("items[0].name": name "items", index "0", name "name").
func (e *bodyEntry) walk(name, index func(string)) {
	for rest := e.key; ; {
		seg, next, more := strings.Cut(rest, ".")
		if e.fromMap {
			name(seg)
		} else {
			n, idx, _ := strings.Cut(seg, "[")
			name(n)
			for idx != "" {
				var i string
				i, idx, _ = strings.Cut(idx, "]")
				index(i)
				idx = strings.TrimPrefix(idx, "[")
			}
		}
		if !more {
			break
		}
		rest = next
	}
	if e.fromMap {
		name(e.leaf)
	}
}

// path returns e's path segments, an index marked with indexMark.
func (e *bodyEntry) path() []string {
	var p []string
	e.walk(func(n string) { p = append(p, n) }, func(i string) { p = append(p, indexMark+i) })
	return p
}

// Set sets key to a string.
func (b *Body) Set(key, value string) { b.add(key, value, false) }

// SetIf sets key when value is not empty.
func (b *Body) SetIf(key, value string) {
	if value != "" {
		b.Set(key, value)
	}
}

// SetInt sets key to an integer.
func (b *Body) SetInt(key string, n int64) { b.add(key, strconv.FormatInt(n, 10), true) }

// SetBool sets key to true or false.
func (b *Body) SetBool(key string, v bool) { b.add(key, strconv.FormatBool(v), true) }

// SetMap sets key.k for each entry of m, in sorted key order.
func (b *Body) SetMap(key string, m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.entries = append(b.entries, bodyEntry{key: key, leaf: k, fromMap: true, value: m[k]})
	}
}

// Len is the number of values set.
func (b *Body) Len() int { return len(b.entries) }

// Encode returns the Content-Type and the body in enc.
func (b *Body) Encode(enc Encoding) (contentType string, body []byte) {
	if enc == JSONEncoded {
		return enc.contentType(), b.encodeJSON()
	}
	return enc.contentType(), b.encodeForm()
}

// contentType is the Content-Type of a body written with enc.
func (enc Encoding) contentType() string {
	if enc == JSONEncoded {
		return "application/json"
	}
	return "application/x-www-form-urlencoded"
}

func (b *Body) encodeForm() []byte {
	n := 0
	for i := range b.entries {
		e := &b.entries[i]
		n += len(e.key) + len(e.leaf) + len(e.value) + 16
	}
	out := make([]byte, 0, n+n/4)
	for i := range b.entries {
		e := &b.entries[i]
		if i > 0 {
			out = append(out, '&')
		}
		first := true
		e.walk(func(name string) {
			if first {
				out, first = appendQueryEscape(out, name), false
				return
			}
			out = appendQueryEscape(append(out, "%5B"...), name)
			out = append(out, "%5D"...)
		}, func(index string) {
			out = appendQueryEscape(append(out, "%5B"...), index)
			out = append(out, "%5D"...)
		})
		if e.array {
			out = append(out, "%5B%5D"...)
		}
		out = appendQueryEscape(append(out, '='), e.value)
	}
	return out
}

// appendQueryEscape appends s escaped as url.QueryEscape escapes it
// (everything but letters, digits and "-_.~" as %XX; a space as "+"),
// without the string url.QueryEscape allocates for each key and value.
func appendQueryEscape(out []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	clean := 0 // the leading run that needs no escaping is copied at once
	for clean < len(s) && unreserved(s[clean]) {
		clean++
	}
	out = append(out, s[:clean]...)
	for i := clean; i < len(s); i++ {
		switch c := s[i]; {
		case unreserved(c):
			out = append(out, c)
		case c == ' ':
			out = append(out, '+')
		default:
			out = append(out, '%', hex[c>>4], hex[c&15])
		}
	}
	return out
}

// unreserved reports whether c stands for itself in a query component.
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

// jsonNode is an object member or array element of the JSON being written.
type jsonNode struct {
	key   string
	entry *bodyEntry // a leaf
	kids  []*jsonNode
	array bool
}

func (n *jsonNode) child(key string, array bool) *jsonNode {
	for _, k := range n.kids {
		if k.key == key && k.entry == nil {
			return k
		}
	}
	k := &jsonNode{key: key, array: array}
	n.kids = append(n.kids, k)
	return k
}

func (b *Body) encodeJSON() []byte {
	root := &jsonNode{}
	for i := range b.entries {
		e := &b.entries[i]
		path := e.path()
		n := root
		for j, p := range path[:len(path)-1] {
			n = n.child(p, strings.HasPrefix(path[j+1], indexMark))
		}
		last := path[len(path)-1]
		if e.array {
			n = n.child(last, true)
			n.kids = append(n.kids, &jsonNode{entry: e})
			continue
		}
		n.kids = append(n.kids, &jsonNode{key: last, entry: e})
	}
	return root.append(nil, false)
}

func (n *jsonNode) append(buf []byte, array bool) []byte {
	open, end := byte('{'), byte('}')
	if array {
		open, end = '[', ']'
	}
	buf = append(buf, open)
	for i, k := range n.kids {
		if i > 0 {
			buf = append(buf, ',')
		}
		if !array {
			buf = jsonw.AppendString(buf, k.key)
			buf = append(buf, ':')
		}
		switch {
		case k.entry != nil && k.entry.raw:
			buf = append(buf, k.entry.value...)
		case k.entry != nil:
			buf = jsonw.AppendString(buf, k.entry.value)
		default:
			buf = k.append(buf, k.array)
		}
	}
	return append(buf, end)
}
