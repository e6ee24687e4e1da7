package wire

import (
	"errors"
	"strconv"
	"unsafe"
)

// Kind is how a field is stored in its Go struct and on the wire.
type Kind uint8

// The field kinds the plugin ABI uses. internal/gencodec refuses any other,
// so a proto change that needs one fails `make generate`.
const (
	Bool      Kind = iota + 1 // bool
	Int32                     // int32, or an enum (an int32 in Go)
	Int64                     // int64
	Uint32                    // uint32
	String                    // string
	Bytes                     // []byte
	Message                   // *T, T described by Field.Sub
	Strings                   // []string
	Enums                     // []E, E an enum (packed on the wire)
	Messages                  // []*T, T described by Field.Sub
	StringMap                 // map[string]string
)

// Table describes a generated message type for Unmarshal and Marshal: where
// each field lives in the struct and how it is encoded. internal/gencodec
// writes one per message as data, so a plugin carries one small interpreter
// instead of two functions of code per message.
type Table struct {
	// New allocates a zero message of the type.
	New func() unsafe.Pointer
	// Unknown is the offset of the struct's unknownFields []byte.
	Unknown uintptr
	// Fields in the order protobuf-go writes them: the fields outside
	// oneofs by number, then each oneof's members, oneofs in declaration
	// order.
	Fields []Field
}

// Field describes one field of a Table.
type Field struct {
	Num    int32
	Kind   Kind
	Offset uintptr // of the field in the struct (a oneof's interface field for members)
	Sub    *Table  // the message type of Message and Messages fields
	Case   *Case   // set for the members of a oneof
}

// Case reaches a oneof member's value inside its wrapper type (the one-field
// struct stored in the oneof's interface field). Both functions take the
// address of the interface field and return the address of the wrapper's
// value field.
type Case struct {
	// Set stores a new wrapper of this member in the oneof.
	Set func(oneof unsafe.Pointer) unsafe.Pointer
	// Get returns nil unless the oneof holds this member.
	Get func(oneof unsafe.Pointer) unsafe.Pointer
}

// maxDepth bounds message nesting in Unmarshal (the API nests a few levels;
// protobuf-go's limit is far higher, for schemas that recurse).
const maxDepth = 64

var errTooDeep = errors.New("proto: messages nested too deeply")

// Unmarshal decodes b into the message at m, described by t, merging as
// protobuf does: scalars are replaced, nested messages merged, repeated
// fields and maps appended to.
func Unmarshal(b []byte, m unsafe.Pointer, t *Table) error {
	d := decoder{b: b}
	d.into(m, t, 0)
	return d.err
}

// UnmarshalAliased decodes as Unmarshal does, except that the strings and
// bytes fields it sets share b's memory instead of copying it: one
// allocation fewer per field. b must never change afterwards. The PDK uses
// it for what the host writes into a buffer allocated for one call (see
// pdk's connector_alloc); a plugin decoding its own buffers uses Unmarshal.
func UnmarshalAliased(b []byte, m unsafe.Pointer, t *Table) error {
	d := decoder{b: b, alias: true}
	d.into(m, t, 0)
	return d.err
}

// find returns t's field numbered num, looking from *next on (fields mostly
// arrive in the order they are listed), and moves *next past it.
func (t *Table) find(num int32, next *int) *Field {
	n := len(t.Fields)
	for k := 0; k < n; k++ {
		i := *next + k
		if i >= n {
			i -= n
		}
		if t.Fields[i].Num == num {
			*next = i + 1
			return &t.Fields[i]
		}
	}
	return nil
}

// into decodes d's remaining fields into m.
func (d *decoder) into(m unsafe.Pointer, t *Table, depth int) {
	if depth > maxDepth {
		d.Fail(errTooDeep)
		return
	}
	next := 0
	for d.Next() {
		f := t.find(d.field, &next)
		if f == nil {
			unknown := (*[]byte)(unsafe.Add(m, t.Unknown))
			*unknown = d.Unknown(*unknown)
			continue
		}
		v := unsafe.Add(m, f.Offset)
		if f.Case != nil {
			// A member already set is merged into (messages); any other
			// member is replaced by a new wrapper.
			if got := f.Case.Get(v); got != nil && f.Kind == Message {
				v = got
			} else {
				v = f.Case.Set(v)
			}
		}
		switch f.Kind {
		case Bool:
			*(*bool)(v) = d.Bool()
		case Int32:
			*(*int32)(v) = d.Int32()
		case Int64:
			*(*int64)(v) = d.Int64()
		case Uint32:
			*(*uint32)(v) = d.Uint32()
		case String:
			*(*string)(v) = d.String()
		case Bytes:
			*(*[]byte)(v) = d.Bytes()
		case Message:
			if b, ok := d.Message(); ok {
				p := (*unsafe.Pointer)(v)
				if *p == nil {
					*p = f.Sub.New()
				}
				d.nested(b, *p, f.Sub, depth)
			}
		case Messages:
			if b, ok := d.Message(); ok {
				p := f.Sub.New()
				d.nested(b, p, f.Sub, depth)
				s := (*[]unsafe.Pointer)(v)
				*s = append(*s, p)
			}
		case Strings:
			*(*[]string)(v) = d.AppendStrings(*(*[]string)(v))
		case Enums:
			*(*[]int32)(v) = appendEnums(d, *(*[]int32)(v))
		case StringMap:
			*(*map[string]string)(v) = d.StringMapEntry(*(*map[string]string)(v))
		default:
			d.Fail(errors.New("proto: field " + strconv.Itoa(int(f.Num)) + " has no known kind"))
		}
	}
}

// nested decodes b, a nested message's contents, into m.
func (d *decoder) nested(b []byte, m unsafe.Pointer, t *Table, depth int) {
	sub := decoder{b: b, alias: d.alias}
	sub.into(m, t, depth+1)
	d.Fail(sub.err)
}

// Marshal encodes the message at m, described by t; nil when m is nil.
func Marshal(m unsafe.Pointer, t *Table) []byte {
	if m == nil {
		return nil
	}
	var e encoder
	e.from(m, t)
	return e.b
}

// from appends the fields of the message at m.
func (e *encoder) from(m unsafe.Pointer, t *Table) {
	for i := range t.Fields {
		f := &t.Fields[i]
		v := unsafe.Add(m, f.Offset)
		always := false // a oneof member is written even when zero
		if f.Case != nil {
			if v = f.Case.Get(v); v == nil {
				continue
			}
			always = true
		}
		switch f.Kind {
		case Bool:
			if x := *(*bool)(v); x || always {
				e.Bool(f.Num, x)
			}
		case Int32:
			if x := *(*int32)(v); x != 0 || always {
				e.Int32(f.Num, x)
			}
		case Int64:
			if x := *(*int64)(v); x != 0 || always {
				e.Int64(f.Num, x)
			}
		case Uint32:
			if x := *(*uint32)(v); x != 0 || always {
				e.Uint32(f.Num, x)
			}
		case String:
			if x := *(*string)(v); x != "" || always {
				e.String(f.Num, x)
			}
		case Bytes:
			if x := *(*[]byte)(v); len(x) > 0 || always {
				e.Bytes(f.Num, x)
			}
		case Message:
			if p := *(*unsafe.Pointer)(v); p != nil || always {
				e.message(f.Num, p, f.Sub)
			}
		case Messages:
			for _, p := range *(*[]unsafe.Pointer)(v) {
				e.message(f.Num, p, f.Sub)
			}
		case Strings:
			e.Strings(f.Num, *(*[]string)(v))
		case Enums:
			packedEnums(e, f.Num, *(*[]int32)(v))
		case StringMap:
			e.StringMap(f.Num, *(*map[string]string)(v))
		}
	}
	e.Raw(*(*[]byte)(unsafe.Add(m, t.Unknown)))
}

// message writes a nested message field (empty when p is nil, as
// protobuf-go writes a oneof member or list element holding nil).
func (e *encoder) message(num int32, p unsafe.Pointer, t *Table) {
	at := e.Open(num)
	if p != nil {
		e.from(p, t)
	}
	e.Close(at)
}
