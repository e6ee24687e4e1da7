package main

import (
	"strings"
	"testing"
)

// The guest's decoders report malformed input with the messages
// protoc-gen-go-lite writes, built without fmt.
func TestGuestDecoderErrorsDoNotUseFmt(t *testing.T) {
	src := "//go:build wasip1\n\npackage v1\n\nimport (\n\tfmt \"fmt\"\n\tio \"io\"\n)\n\n" +
		"func (m *Card) UnmarshalVT(dAtA []byte) error {\n" +
		"\tif wireType == 4 {\n\t\treturn fmt.Errorf(\"proto: Card: wiretype end group for non-group\")\n\t}\n" +
		"\tif fieldNum <= 0 {\n\t\treturn fmt.Errorf(\"proto: Card: illegal tag %d (wire type %d)\", fieldNum, wire)\n\t}\n" +
		"\tif wireType != 2 {\n\t\treturn fmt.Errorf(\"proto: wrong wireType = %d for field Number\", wireType)\n\t}\n" +
		"\treturn io.ErrUnexpectedEOF\n}\n"
	out, err := guest([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{`liteErrEndGroup("Card")`, `liteErrIllegalTag("Card", fieldNum, wire)`, `liteErrWireType("Number", wireType)`, `io "io"`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "fmt") {
		t.Errorf("fmt is still imported or used:\n%s", got)
	}
}
