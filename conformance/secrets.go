package conformance

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/manifest"
)

// minSecretLen is the shortest credential value the scans look for; shorter
// values would match unrelated text. Fixtures should use long, distinctive
// secrets (e.g. "sk_test_conformance_secret_123").
const minSecretLen = 6

// secretValue is one value that must not leak.
type secretValue struct {
	label string // "credential api_key", "card number", "card CVC"
	value string
	card  bool // card data may travel in the body of flows that send a card
	cvc   bool // short: only matched as the value of a CVC-named parameter or header
}

// secretsFor lists the secret credential values and the card data of req.
func secretsFor(m *v1.Manifest, creds map[string]string, req protoreflect.ProtoMessage) []secretValue {
	var out []secretValue
	names := manifest.SecretFields(m)
	sort.Strings(names)
	for _, name := range names {
		if v := creds[name]; len(v) >= minSecretLen {
			out = append(out, secretValue{label: "credential " + name, value: v})
		}
	}
	if req != nil {
		for _, c := range cardsIn(req.ProtoReflect()) {
			if c.GetNumber() != "" {
				out = append(out, secretValue{label: "card number", value: c.GetNumber(), card: true})
			}
			if c.GetCvc() != "" {
				out = append(out, secretValue{label: "card CVC", value: c.GetCvc(), card: true, cvc: true})
			}
		}
	}
	return out
}

// cardsIn returns every Card message inside m.
func cardsIn(m protoreflect.Message) []*v1.Card {
	var out []*v1.Card
	if c, ok := m.Interface().(*v1.Card); ok {
		return []*v1.Card{c}
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() != protoreflect.MessageKind {
			return true
		}
		switch {
		case fd.IsList():
			for i := 0; i < v.List().Len(); i++ {
				out = append(out, cardsIn(v.List().Get(i).Message())...)
			}
		case fd.IsMap():
			if fd.MapValue().Kind() == protoreflect.MessageKind {
				v.Map().Range(func(_ protoreflect.MapKey, e protoreflect.Value) bool {
					out = append(out, cardsIn(e.Message())...)
					return true
				})
			}
		default:
			out = append(out, cardsIn(v.Message())...)
		}
		return true
	})
	return out
}

var cvcNames = []string{"cvc", "cvv", "cvn", "csc", "securitycode", "security_code", "cid"}

func cvcNamed(name string) bool {
	n := strings.ToLower(name)
	for _, c := range cvcNames {
		if strings.Contains(n, c) {
			return true
		}
	}
	return false
}

// requestLeaks returns where the secrets appear in hr outside its secret
// headers: never in the URL or a non-secret header; in the body only card
// data, and only when the flow sends a card.
func requestLeaks(hr *pluginv1.HttpRequest, secrets []secretValue) []string {
	secretHeader := map[string]bool{}
	for _, h := range hr.GetSecretHeaders() {
		secretHeader[strings.ToLower(h)] = true
	}
	u, _ := url.Parse(hr.GetUrl())
	body := string(hr.GetBody())
	formBody, _ := url.QueryUnescape(body)
	var out []string
	for _, s := range secrets {
		if s.cvc {
			out = append(out, cvcLeaks(u, hr, secretHeader, s)...)
			continue
		}
		if containsSecret(hr.GetUrl(), s) || (u != nil && (containsSecret(u.Path, s) || containsSecret(unescapeQuery(u.RawQuery), s))) {
			out = append(out, fmt.Sprintf("%s appears in the URL", s.label))
		}
		for _, h := range hr.GetHeaders() {
			if secretHeader[strings.ToLower(h.GetName())] {
				continue
			}
			if containsSecret(h.GetValue(), s) || containsSecret(decodedTokens(h.GetValue()), s) {
				out = append(out, fmt.Sprintf("%s appears in header %s, which is not listed in secret_headers", s.label, h.GetName()))
			}
		}
		if !s.card && (containsSecret(body, s) || containsSecret(formBody, s)) {
			out = append(out, fmt.Sprintf("%s appears in the body", s.label))
		}
	}
	return out
}

func cvcLeaks(u *url.URL, hr *pluginv1.HttpRequest, secretHeader map[string]bool, s secretValue) []string {
	var out []string
	if u != nil {
		for k, vs := range u.Query() {
			for _, v := range vs {
				if cvcNamed(k) && v == s.value {
					out = append(out, fmt.Sprintf("%s appears in the URL (query parameter %s)", s.label, k))
				}
			}
		}
	}
	for _, h := range hr.GetHeaders() {
		if !secretHeader[strings.ToLower(h.GetName())] && cvcNamed(h.GetName()) && strings.Contains(h.GetValue(), s.value) {
			out = append(out, fmt.Sprintf("%s appears in header %s, which is not listed in secret_headers", s.label, h.GetName()))
		}
	}
	return out
}

func unescapeQuery(q string) string {
	s, err := url.QueryUnescape(q)
	if err != nil {
		return q
	}
	return s
}

// containsSecret finds s in text; card numbers only as a whole digit run.
func containsSecret(text string, s secretValue) bool {
	if !s.card {
		return strings.Contains(text, s.value)
	}
	for i := 0; ; {
		j := strings.Index(text[i:], s.value)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(s.value)
		if (start == 0 || !isDigit(text[start-1])) && (end == len(text) || !isDigit(text[end])) {
			return true
		}
		i = start + 1
	}
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// decodedTokens base64-decodes every space-separated token of a header value
// that decodes (e.g. "Basic dXNlcjpzZWNyZXQ="), so encoded secrets are found too.
func decodedTokens(v string) string {
	var b strings.Builder
	for _, tok := range strings.Fields(v) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			if d, err := enc.DecodeString(tok); err == nil {
				b.Write(d)
				b.WriteByte(' ')
				break
			}
		}
	}
	return b.String()
}

// textLeaks returns the secrets found in text (a parsed response or an error
// message), which must carry none: not a credential, not a card number or CVC.
func textLeaks(text string, secrets []secretValue) []string {
	var out []string
	for _, s := range secrets {
		if s.cvc {
			continue
		}
		if containsSecret(text, s) {
			out = append(out, s.label)
		}
	}
	return out
}
