package multipart

import (
	"bytes"
	"errors"
	"io"
	"mime"
	stdmultipart "mime/multipart"
	"testing"
)

func TestBodyParsesWithTheStandardReader(t *testing.T) {
	random := bytes.Repeat([]byte{7}, 16)
	b := New(random)
	if err := b.Field("note", "hello"); err != nil {
		t.Fatal(err)
	}
	if err := b.File("evidence-file", `re"ceipt.pdf`, "", []byte("%PDF-1.4\r\nbinary\x00")); err != nil {
		t.Fatal(err)
	}
	body := b.Bytes()
	if again := New(random); again.Field("note", "hello") != nil || again.File("evidence-file", `re"ceipt.pdf`, "", []byte("%PDF-1.4\r\nbinary\x00")) != nil ||
		!bytes.Equal(again.Bytes(), body) {
		t.Fatal("the same input gave different bytes")
	}
	_, params, err := mime.ParseMediaType(b.ContentType())
	if err != nil {
		t.Fatal(err)
	}
	r := stdmultipart.NewReader(bytes.NewReader(body), params["boundary"])
	p, err := r.NextPart()
	if err != nil || p.FormName() != "note" {
		t.Fatalf("first part: %v %v", p, err)
	}
	if v, _ := io.ReadAll(p); string(v) != "hello" {
		t.Fatalf("note = %q", v)
	}
	p, err = r.NextPart()
	if err != nil || p.FormName() != "evidence-file" || p.FileName() != "receipt.pdf" || p.Header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("second part: %v %v", p.Header, err)
	}
	if v, _ := io.ReadAll(p); string(v) != "%PDF-1.4\r\nbinary\x00" {
		t.Fatalf("file = %q", v)
	}
	if _, err := r.NextPart(); err != io.EOF {
		t.Fatalf("after the last part: %v", err)
	}
}

func TestBoundaryInContentRefused(t *testing.T) {
	b := New([]byte{1, 2})
	if err := b.File("f", "x", "text/plain", []byte("a --pdk-0102 b")); !errors.Is(err, ErrBoundaryInContent) {
		t.Fatalf("err = %v", err)
	}
}

// TestPartCarriesItsContentType: a field added with Part has its media type
// and no file name, so a reader decodes it (e.g. as JSON) rather than as a file.
func TestPartCarriesItsContentType(t *testing.T) {
	b := New(bytes.Repeat([]byte{9}, 16))
	if err := b.Part("input", "application/json", []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(b.ContentType())
	if err != nil {
		t.Fatal(err)
	}
	p, err := stdmultipart.NewReader(bytes.NewReader(b.Bytes()), params["boundary"]).NextPart()
	if err != nil || p.FormName() != "input" || p.FileName() != "" || p.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("part: %v %v", p.Header, err)
	}
	if v, _ := io.ReadAll(p); string(v) != `{"a":1}` {
		t.Fatalf("content = %q", v)
	}
}
