package wire

import (
	"bytes"
	"strings"
	"testing"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"
)

// sample is a message the tests describe by hand, as internal/gencodec
// would: every kind, a nested message, a list of messages and a oneof.
type sample struct {
	Flag    bool
	Small   int32
	Big     int64
	Count   uint32
	Text    string
	Raw     []byte
	Child   *sample
	Tags    []string
	Kinds   []int32
	Kids    []*sample
	Meta    map[string]string
	Choice  isChoice
	unknown []byte
}

type isChoice interface{ isChoice() }

type choiceText struct{ Text string }
type choiceChild struct{ Child *sample }

func (*choiceText) isChoice()  {}
func (*choiceChild) isChoice() {}

var sampleTable Table

func init() {
	var s sample
	off := func(p unsafe.Pointer) uintptr { return uintptr(p) - uintptr(unsafe.Pointer(&s)) }
	sampleTable = Table{
		New:     func() unsafe.Pointer { return unsafe.Pointer(new(sample)) },
		Unknown: off(unsafe.Pointer(&s.unknown)),
		Fields: []Field{
			{Num: 1, Kind: Bool, Offset: off(unsafe.Pointer(&s.Flag))},
			{Num: 2, Kind: Int32, Offset: off(unsafe.Pointer(&s.Small))},
			{Num: 3, Kind: Int64, Offset: off(unsafe.Pointer(&s.Big))},
			{Num: 4, Kind: Uint32, Offset: off(unsafe.Pointer(&s.Count))},
			{Num: 5, Kind: String, Offset: off(unsafe.Pointer(&s.Text))},
			{Num: 6, Kind: Bytes, Offset: off(unsafe.Pointer(&s.Raw))},
			{Num: 7, Kind: Message, Offset: off(unsafe.Pointer(&s.Child)), Sub: &sampleTable},
			{Num: 8, Kind: Strings, Offset: off(unsafe.Pointer(&s.Tags))},
			{Num: 9, Kind: Enums, Offset: off(unsafe.Pointer(&s.Kinds))},
			{Num: 10, Kind: Messages, Offset: off(unsafe.Pointer(&s.Kids)), Sub: &sampleTable},
			{Num: 11, Kind: StringMap, Offset: off(unsafe.Pointer(&s.Meta))},
			{Num: 12, Kind: String, Offset: off(unsafe.Pointer(&s.Choice)), Case: &Case{
				Set: func(p unsafe.Pointer) unsafe.Pointer {
					w := new(choiceText)
					*(*isChoice)(p) = w
					return unsafe.Pointer(&w.Text)
				},
				Get: func(p unsafe.Pointer) unsafe.Pointer {
					if w, ok := (*(*isChoice)(p)).(*choiceText); ok {
						return unsafe.Pointer(&w.Text)
					}
					return nil
				},
			}},
			{Num: 13, Kind: Message, Offset: off(unsafe.Pointer(&s.Choice)), Sub: &sampleTable, Case: &Case{
				Set: func(p unsafe.Pointer) unsafe.Pointer {
					w := new(choiceChild)
					*(*isChoice)(p) = w
					return unsafe.Pointer(&w.Child)
				},
				Get: func(p unsafe.Pointer) unsafe.Pointer {
					if w, ok := (*(*isChoice)(p)).(*choiceChild); ok {
						return unsafe.Pointer(&w.Child)
					}
					return nil
				},
			}},
		},
	}
}

// reference encodes s with protowire, field by field, the way protobuf-go
// writes it.
func reference(s *sample) []byte {
	var b []byte
	varint := func(num protowire.Number, v uint64) {
		b = protowire.AppendTag(b, num, protowire.VarintType)
		b = protowire.AppendVarint(b, v)
	}
	bytesField := func(num protowire.Number, v []byte) {
		b = protowire.AppendTag(b, num, protowire.BytesType)
		b = protowire.AppendBytes(b, v)
	}
	if s.Flag {
		varint(1, 1)
	}
	if s.Small != 0 {
		varint(2, uint64(int64(s.Small)))
	}
	if s.Big != 0 {
		varint(3, uint64(s.Big))
	}
	if s.Count != 0 {
		varint(4, uint64(s.Count))
	}
	if s.Text != "" {
		bytesField(5, []byte(s.Text))
	}
	if len(s.Raw) > 0 {
		bytesField(6, s.Raw)
	}
	if s.Child != nil {
		bytesField(7, reference(s.Child))
	}
	for _, t := range s.Tags {
		bytesField(8, []byte(t))
	}
	if len(s.Kinds) > 0 {
		var packed []byte
		for _, k := range s.Kinds {
			packed = protowire.AppendVarint(packed, uint64(int64(k)))
		}
		bytesField(9, packed)
	}
	for _, k := range s.Kids {
		bytesField(10, reference(k))
	}
	for _, k := range []string{"a", "b"} { // the tests' map keys, sorted
		if v, ok := s.Meta[k]; ok {
			var e []byte
			e = protowire.AppendTag(e, 1, protowire.BytesType)
			e = protowire.AppendString(e, k)
			e = protowire.AppendTag(e, 2, protowire.BytesType)
			e = protowire.AppendString(e, v)
			bytesField(11, e)
		}
	}
	switch c := s.Choice.(type) {
	case *choiceText:
		bytesField(12, []byte(c.Text))
	case *choiceChild:
		bytesField(13, reference(c.Child))
	}
	return append(b, s.unknown...)
}

func full() *sample {
	long := strings.Repeat("x", 20000) // a length that takes three varint bytes
	return &sample{
		Flag: true, Small: -5, Big: 1 << 40, Count: 7, Text: "héllo", Raw: []byte{0, 1, 2},
		Child: &sample{Text: long, Choice: &choiceText{Text: ""}},
		Tags:  []string{"", "two"}, Kinds: []int32{1, -1, 300},
		Kids:   []*sample{{Small: 1}, {Child: &sample{Raw: []byte(long)}}},
		Meta:   map[string]string{"b": "2", "a": ""},
		Choice: &choiceChild{Child: &sample{Big: -1}},
	}
}

func TestMarshalWritesProtobufBytes(t *testing.T) {
	for name, s := range map[string]*sample{"empty": {}, "full": full(), "oneof text": {Choice: &choiceText{Text: "t"}}} {
		got, want := Marshal(unsafe.Pointer(s), &sampleTable), reference(s)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: Marshal = %x\nwant %x", name, got, want)
		}
	}
	if Marshal(nil, &sampleTable) != nil {
		t.Error("Marshal(nil) is not nil")
	}
}

func TestUnmarshalRoundTripsAndKeepsUnknownFields(t *testing.T) {
	in := full()
	b := reference(in)
	// An unknown field of every wire type, kept and written back.
	var unknown []byte
	unknown = protowire.AppendTag(unknown, 99, protowire.VarintType)
	unknown = protowire.AppendVarint(unknown, 5)
	unknown = protowire.AppendTag(unknown, 100, protowire.Fixed64Type)
	unknown = protowire.AppendFixed64(unknown, 1)
	unknown = protowire.AppendTag(unknown, 101, protowire.Fixed32Type)
	unknown = protowire.AppendFixed32(unknown, 1)
	unknown = protowire.AppendTag(unknown, 102, protowire.BytesType)
	unknown = protowire.AppendString(unknown, "?")
	b = append(b, unknown...)

	var out sample
	if err := Unmarshal(b, unsafe.Pointer(&out), &sampleTable); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.unknown, unknown) {
		t.Errorf("unknown fields = %x, want %x", out.unknown, unknown)
	}
	if got := Marshal(unsafe.Pointer(&out), &sampleTable); !bytes.Equal(got, b) {
		t.Errorf("re-encoded = %x\nwant %x", got, b)
	}
	if c, ok := out.Child.Choice.(*choiceText); !ok || c.Text != "" {
		t.Errorf("a oneof member holding its zero value was lost: %#v", out.Child.Choice)
	}
}

func TestUnmarshalMerges(t *testing.T) {
	// Two occurrences of a nested message merge; repeated fields append;
	// the last scalar wins; packed and unpacked enums both read.
	var b []byte
	b = protowire.AppendTag(b, 7, protowire.BytesType)
	b = protowire.AppendBytes(b, reference(&sample{Small: 1, Tags: []string{"a"}}))
	b = protowire.AppendTag(b, 7, protowire.BytesType)
	b = protowire.AppendBytes(b, reference(&sample{Big: 2, Tags: []string{"b"}}))
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, 1)
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, 3)
	b = protowire.AppendTag(b, 9, protowire.VarintType)
	b = protowire.AppendVarint(b, 4)
	b = append(b, reference(&sample{Kinds: []int32{5, 6}})...)
	var out sample
	if err := Unmarshal(b, unsafe.Pointer(&out), &sampleTable); err != nil {
		t.Fatal(err)
	}
	if out.Child == nil || out.Child.Small != 1 || out.Child.Big != 2 || strings.Join(out.Child.Tags, ",") != "a,b" {
		t.Errorf("nested messages did not merge: %+v", out.Child)
	}
	if out.Small != 3 {
		t.Errorf("Small = %d, want the last value 3", out.Small)
	}
	if len(out.Kinds) != 3 || out.Kinds[0] != 4 || out.Kinds[2] != 6 {
		t.Errorf("Kinds = %v, want [4 5 6]", out.Kinds)
	}
}

func TestUnmarshalRefusesMalformedInput(t *testing.T) {
	valid := reference(full())
	cases := map[string][]byte{
		"truncated":         valid[:len(valid)/2],
		"field number zero": {0x02, 0x00},
		"group":             {0x0b},
		"end group":         {0x0c},
		"wrong wire type":   protowire.AppendVarint(protowire.AppendTag(nil, 5, protowire.VarintType), 1),
		"long varint":       append(protowire.AppendTag(nil, 3, protowire.VarintType), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
		"length past end":   {0x2a, 0x05, 'a'},
		"bad nested":        {0x3a, 0x01, 0x0c},
	}
	for name, b := range cases {
		var out sample
		if err := Unmarshal(b, unsafe.Pointer(&out), &sampleTable); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Nesting deeper than maxDepth is refused, not followed.
	deep := []byte{}
	for range maxDepth + 2 {
		deep = protowire.AppendBytes(protowire.AppendTag(nil, 7, protowire.BytesType), deep)
	}
	var out sample
	if err := Unmarshal(deep, unsafe.Pointer(&out), &sampleTable); err != errTooDeep {
		t.Errorf("deep nesting: err = %v, want %v", err, errTooDeep)
	}
}

func FuzzUnmarshal(f *testing.F) {
	f.Add(reference(full()))
	f.Add([]byte{0x3a, 0x02, 0x08, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		var out sample
		if Unmarshal(b, unsafe.Pointer(&out), &sampleTable) != nil {
			return
		}
		// What decodes re-encodes to bytes that decode to the same thing.
		again := Marshal(unsafe.Pointer(&out), &sampleTable)
		var out2 sample
		if err := Unmarshal(again, unsafe.Pointer(&out2), &sampleTable); err != nil {
			t.Fatalf("re-encoded message does not decode: %v", err)
		}
		if third := Marshal(unsafe.Pointer(&out2), &sampleTable); !bytes.Equal(third, again) {
			t.Fatalf("encoding is not stable:\n%x\n%x", again, third)
		}
	})
}

func TestUnmarshalAliasedSharesTheInput(t *testing.T) {
	b := reference(full())
	var copied, aliased sample
	if err := Unmarshal(b, unsafe.Pointer(&copied), &sampleTable); err != nil {
		t.Fatal(err)
	}
	if err := UnmarshalAliased(b, unsafe.Pointer(&aliased), &sampleTable); err != nil {
		t.Fatal(err)
	}
	if got, want := Marshal(unsafe.Pointer(&aliased), &sampleTable), Marshal(unsafe.Pointer(&copied), &sampleTable); !bytes.Equal(got, want) {
		t.Fatalf("aliased decode differs:\n%x\n%x", got, want)
	}
	within := func(p *byte) bool {
		start := uintptr(unsafe.Pointer(&b[0]))
		return uintptr(unsafe.Pointer(p)) >= start && uintptr(unsafe.Pointer(p)) < start+uintptr(len(b))
	}
	for name, p := range map[string]*byte{
		"string": unsafe.StringData(aliased.Text), "bytes": &aliased.Raw[0], "nested string": unsafe.StringData(aliased.Child.Text),
		"list string": unsafe.StringData(aliased.Tags[1]), "map value": unsafe.StringData(aliased.Meta["b"]),
	} {
		if !within(p) {
			t.Errorf("aliased %s does not share the input", name)
		}
	}
	if within(unsafe.StringData(copied.Text)) || within(&copied.Raw[0]) {
		t.Error("Unmarshal shares the input's memory")
	}
}

func TestEnumName(t *testing.T) {
	const names = "ZEROONETWO"
	index := []uint16{0, 4, 7, 10}
	for v, want := range map[int32]string{0: "ZERO", 1: "ONE", 2: "TWO", 3: "3", -1: "-1", 1 << 30: "1073741824"} {
		if got := EnumName(names, index, v); got != want {
			t.Errorf("EnumName(%d) = %q, want %q", v, got, want)
		}
	}
	// A damaged table gives numbers, never a panic.
	for _, index := range [][]uint16{nil, {0}, {4, 0}, {0, 40}} {
		if got := EnumName(names, index, 0); got != "0" {
			t.Errorf("EnumName(0) with index %v = %q, want \"0\"", index, got)
		}
	}
}
