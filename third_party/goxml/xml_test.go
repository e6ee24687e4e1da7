package goxml_test

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/third_party/goxml"
)

// documents are inputs that reach every kind of token and the error paths:
// name spaces (default, prefixed, undeclared, redeclared), attributes in both
// quotes, entities (predefined, numeric, unknown), CDATA, comments,
// processing instructions (with and without an encoding), directives, and
// malformed input (unclosed or mismatched tags, bad names, bad characters).
var documents = []string{
	`<?xml version="1.0" encoding="UTF-8"?><notification><kind>transaction_settled</kind><timestamp type="datetime">2026-01-02T03:04:05Z</timestamp></notification>`,
	`<a xmlns="urn:x" xmlns:p="urn:p"><p:b p:c='1' d="2">text &amp; &lt;more&gt; &#65;&#x42;</p:b><e/></a>`,
	`<a><![CDATA[<not a tag> & ]]><!-- a comment --><?target some data?></a>`,
	`<!DOCTYPE note SYSTEM "note.dtd"><note><to>T</to></note>`,
	`<a xmlns:p="urn:one"><p:b xmlns:p="urn:two"><p:c/></p:b><p:d/></a>`,
	`<undeclared:a><undeclared:b/></undeclared:a>`,
	`<a attr="x" attr="y"/>`,
	`<a>&unknown;</a>`,
	`<a>&#xZZ;</a>`,
	`<a><b></a></b>`,
	`<a>`,
	`</a>`,
	`<a b=c/>`,
	`<1a/>`,
	"<a>\x00</a>",
	"<a>\xff</a>",
	`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`,
	`<?xml version="1.1"?><a/>`,
	`<a><!-- unterminated </a>`,
	`<a><![CDATA[unterminated</a>`,
	`<a>]]></a>`,
	`<a b="&quot;&apos;"/>`,
	"<a>\r\nline\rtwo</a>",
	``,
	`   `,
	`text outside`,
}

// TestTokensMatchEncodingXML reads every document (and Braintree's fixture
// notifications) with goxml and with encoding/xml, strict and not, and
// requires the same tokens and the same errors.
func TestTokensMatchEncodingXML(t *testing.T) {
	inputs := append([]string(nil), documents...)
	fixtures := braintreeFixtures(t)
	t.Logf("%d documents and %d Braintree notifications", len(documents), len(fixtures))
	inputs = append(inputs, fixtures...)
	for i, doc := range inputs {
		for _, strict := range []bool{true, false} {
			want, got := stdTokens(doc, strict), ourTokens(doc, strict)
			if got != want {
				t.Errorf("input %d (strict %v) %.60q:\ngoxml:        %s\nencoding/xml: %s", i, strict, doc, got, want)
			}
		}
	}
}

// FuzzTokensMatchEncodingXML compares the two tokenizers on arbitrary input.
func FuzzTokensMatchEncodingXML(f *testing.F) {
	for _, d := range documents {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		for _, strict := range []bool{true, false} {
			if want, got := stdTokens(doc, strict), ourTokens(doc, strict); got != want {
				t.Fatalf("strict %v %q:\ngoxml:        %s\nencoding/xml: %s", strict, doc, got, want)
			}
		}
	})
}

// braintreeFixtures are the notification documents inside Braintree's
// webhook fixtures (bt_payload: URL-encoded base64 of the XML), the input
// goxml decodes in production.
func braintreeFixtures(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../plugins/braintree/fixtures/webhook_*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Braintree webhook fixtures found (%v)", err)
	}
	var out []string
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		var fx struct {
			Webhook struct {
				BodyText string `json:"body_text"`
			} `json:"webhook"`
		}
		if err := json.Unmarshal(raw, &fx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		form, err := url.ParseQuery(fx.Webhook.BodyText)
		if err != nil || form.Get("bt_payload") == "" {
			continue // a fixture of a malformed notification
		}
		doc, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(form.Get("bt_payload"), "\n", ""))
		if err != nil {
			continue
		}
		out = append(out, string(doc))
	}
	if len(out) == 0 {
		t.Fatal("no Braintree fixture holds a decodable bt_payload")
	}
	return out
}

// stdTokens is encoding/xml's reading of doc as text: one line per token,
// then the error that ended it ("EOF" at the end of input).
func stdTokens(doc string, strict bool) string {
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = strict
	var b strings.Builder
	for n := 0; n < 10000; n++ {
		tok, err := d.Token()
		if err != nil {
			b.WriteString("error: " + describeError(err))
			return b.String()
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			b.WriteString("start " + tk.Name.Space + " " + tk.Name.Local)
			for _, a := range tk.Attr {
				b.WriteString(" [" + a.Name.Space + " " + a.Name.Local + "=" + strconv.Quote(a.Value) + "]")
			}
		case xml.EndElement:
			b.WriteString("end " + tk.Name.Space + " " + tk.Name.Local)
		case xml.CharData:
			b.WriteString("chardata " + strconv.Quote(string(tk)))
		case xml.Comment:
			b.WriteString("comment " + strconv.Quote(string(tk)))
		case xml.ProcInst:
			b.WriteString("procinst " + tk.Target + " " + strconv.Quote(string(tk.Inst)))
		case xml.Directive:
			b.WriteString("directive " + strconv.Quote(string(tk)))
		}
		b.WriteString("; ")
	}
	return b.String()
}

// ourTokens is goxml's reading of doc in stdTokens' form.
func ourTokens(doc string, strict bool) string {
	d := goxml.NewDecoder(strings.NewReader(doc))
	d.Strict = strict
	var b strings.Builder
	for n := 0; n < 10000; n++ {
		tok, err := d.Token()
		if err != nil {
			b.WriteString("error: " + describeError(err))
			return b.String()
		}
		switch tk := tok.(type) {
		case goxml.StartElement:
			b.WriteString("start " + tk.Name.Space + " " + tk.Name.Local)
			for _, a := range tk.Attr {
				b.WriteString(" [" + a.Name.Space + " " + a.Name.Local + "=" + strconv.Quote(a.Value) + "]")
			}
		case goxml.EndElement:
			b.WriteString("end " + tk.Name.Space + " " + tk.Name.Local)
		case goxml.CharData:
			b.WriteString("chardata " + strconv.Quote(string(tk)))
		case goxml.Comment:
			b.WriteString("comment " + strconv.Quote(string(tk)))
		case goxml.ProcInst:
			b.WriteString("procinst " + tk.Target + " " + strconv.Quote(string(tk.Inst)))
		case goxml.Directive:
			b.WriteString("directive " + strconv.Quote(string(tk)))
		}
		b.WriteString("; ")
	}
	return b.String()
}

// describeError is an error's message, with io.EOF and syntax errors'
// line numbers in the same words for both packages.
func describeError(err error) string {
	if errors.Is(err, io.EOF) {
		return "EOF"
	}
	var std *xml.SyntaxError
	if errors.As(err, &std) {
		return "syntax error line " + strconv.Itoa(std.Line) + ": " + std.Msg
	}
	var ours *goxml.SyntaxError
	if errors.As(err, &ours) {
		return "syntax error line " + strconv.Itoa(ours.Line) + ": " + ours.Msg
	}
	return err.Error()
}
