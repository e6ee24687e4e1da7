package pdk

import (
	"net/url"
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
	path  []string
	array bool
	raw   bool // a JSON number or boolean, written unquoted in JSON
	value string
}

func (b *Body) add(key, value string, raw bool) {
	e := bodyEntry{value: value, raw: raw}
	if strings.HasSuffix(key, "[]") {
		key, e.array = key[:len(key)-2], true
	}
	for _, seg := range strings.Split(key, ".") {
		name, idx, _ := strings.Cut(seg, "[")
		e.path = append(e.path, name)
		for idx != "" {
			var n string
			n, idx, _ = strings.Cut(idx, "]")
			e.path = append(e.path, indexMark+n)
			idx = strings.TrimPrefix(idx, "[")
		}
	}
	b.entries = append(b.entries, e)
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
		e := bodyEntry{path: append(strings.Split(key, "."), k), value: m[k]}
		b.entries = append(b.entries, e)
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
	var out strings.Builder
	for i, e := range b.entries {
		if i > 0 {
			out.WriteByte('&')
		}
		key := e.path[0]
		for _, p := range e.path[1:] {
			key += "[" + strings.TrimPrefix(p, indexMark) + "]"
		}
		if e.array {
			key += "[]"
		}
		out.WriteString(url.QueryEscape(key))
		out.WriteByte('=')
		out.WriteString(url.QueryEscape(e.value))
	}
	return []byte(out.String())
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
		n := root
		for j, p := range e.path[:len(e.path)-1] {
			n = n.child(p, strings.HasPrefix(e.path[j+1], indexMark))
		}
		last := e.path[len(e.path)-1]
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
