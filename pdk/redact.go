package pdk

import (
	"bytes"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// minRedactLen is the shortest secret the PDK searches for: shorter values
// (a CVC, a two-letter code) would match unrelated bytes of the encoding.
// The host refuses a response carrying a secret of this length or more, so
// anything the PDK misses here fails loudly rather than leaking.
const minRedactLen = 8

// paymentMethodHolder is every request that can carry card data.
type paymentMethodHolder interface{ GetPaymentMethod() *v1.PaymentMethod }

// noteCardSecrets remembers the card number of req, if it carries one, so
// that the response can be redacted of it.
func (c *Context) noteCardSecrets(req any) {
	if h, ok := req.(paymentMethodHolder); ok {
		if n := h.GetPaymentMethod().GetCard().GetNumber(); len(n) >= minRedactLen {
			c.cardNumbers = append(c.cardNumbers, n)
		}
	}
}

// redact masks, in an encoded message, every credential value the manifest
// does not declare non-secret and every card number of the request. The
// mask has the secret's length, so the encoding stays valid: a card number
// keeps its first six and last four digits, a credential becomes asterisks.
// Plugins therefore need no redaction of their own: an error message that
// quotes an API key, or a processor that echoes the card number, is cleaned
// before it leaves the plugin.
func (c *Context) redact(b []byte, m *v1.Manifest) []byte {
	for name, v := range c.Credentials {
		if len(v) < minRedactLen || declaredNonSecret(m, name) {
			continue
		}
		b = maskAll(b, v, func(s []byte) { fill(s, 0, len(s)) })
	}
	for _, n := range c.cardNumbers {
		b = maskAll(b, n, func(s []byte) { fill(s, 6, len(s)-4) })
	}
	return b
}

// declaredNonSecret reports whether the manifest declares credential name
// and says it is not secret (an account id, a merchant name).
func declaredNonSecret(m *v1.Manifest, name string) bool {
	for _, f := range m.GetCredentialFields() {
		if f.GetName() == name {
			return !f.GetSecret()
		}
	}
	return false
}

func maskAll(b []byte, secret string, mask func([]byte)) []byte {
	s := []byte(secret)
	for i := bytes.Index(b, s); i >= 0; {
		mask(b[i : i+len(s)])
		j := bytes.Index(b[i+len(s):], s)
		if j < 0 {
			break
		}
		i += len(s) + j
	}
	return b
}

func fill(s []byte, from, to int) {
	for i := from; i < to; i++ {
		s[i] = '*'
	}
}
