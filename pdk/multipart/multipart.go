// Package multipart builds multipart/form-data bodies (RFC 7578) inside a
// plugin, deterministically: the boundary comes from the call's random bytes
// (pdk.Context.Random), so the same call gives the same bytes, and a part
// that contains the boundary is refused rather than corrupting the body.
//
//	m := multipart.New(c.Random())
//	if err := m.File("evidence-file", "receipt.pdf", "application/pdf", pdf); err != nil { ... }
//	req.Body(m.ContentType(), m.Bytes())
package multipart

import (
	"bytes"
	"errors"
	"strings"

	"github.com/connectorhost/connector-host/internal/hexstr"
)

// ErrBoundaryInContent reports a part that contains the boundary.
var ErrBoundaryInContent = errors.New("multipart: a part contains the boundary")

// Body is a multipart/form-data body being built.
type Body struct {
	boundary string
	buf      bytes.Buffer
}

// New starts a body whose boundary is derived from random.
func New(random []byte) *Body {
	return &Body{boundary: "pdk-" + hexstr.EncodeToString(random)}
}

// quote removes what would end a quoted header value or the header line.
var quote = strings.NewReplacer(`"`, "", "\r", "", "\n", "", `\`, "")

// Field adds a plain form field.
func (b *Body) Field(name, value string) error {
	return b.part(`form-data; name="`+quote.Replace(name)+`"`, "", []byte(value))
}

// Part adds a form field whose content has a media type, e.g. a JSON
// document (contentType "application/json"); "" writes no Content-Type, as
// Field does.
func (b *Body) Part(name, contentType string, content []byte) error {
	return b.part(`form-data; name="`+quote.Replace(name)+`"`, quote.Replace(contentType), content)
}

// File adds a file part; contentType defaults to application/octet-stream.
func (b *Body) File(name, fileName, contentType string, content []byte) error {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return b.part(`form-data; name="`+quote.Replace(name)+`"; filename="`+quote.Replace(fileName)+`"`, quote.Replace(contentType), content)
}

func (b *Body) part(disposition, contentType string, content []byte) error {
	if bytes.Contains(content, []byte(b.boundary)) {
		return ErrBoundaryInContent
	}
	b.buf.WriteString("--" + b.boundary + "\r\nContent-Disposition: " + disposition + "\r\n")
	if contentType != "" {
		b.buf.WriteString("Content-Type: " + contentType + "\r\n")
	}
	b.buf.WriteString("\r\n")
	b.buf.Write(content)
	b.buf.WriteString("\r\n")
	return nil
}

// ContentType is the body's Content-Type header value.
func (b *Body) ContentType() string { return "multipart/form-data; boundary=" + b.boundary }

// Bytes closes the body and returns it; call it once, after the last part.
func (b *Body) Bytes() []byte {
	out := append([]byte(nil), b.buf.Bytes()...)
	return append(out, "--"+b.boundary+"--\r\n"...)
}
