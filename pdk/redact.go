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

// accountNumbers returns the card number, IBAN and bank account numbers of a
// request's payment method and payout bank accounts (any may be nil). The
// generated secretsOf functions call it with the request's typed getters.
func accountNumbers(pm *v1.PaymentMethod, banks ...*v1.PayoutBankAccount) []string {
	ns := []string{pm.GetCard().GetNumber(), pm.GetBankDebit().GetIban(), pm.GetBankDebit().GetAccountNumber()}
	for _, b := range banks {
		ns = append(ns, b.GetIban(), b.GetAccountNumber())
	}
	return ns
}

// noteCardSecrets remembers the card and account numbers of the request
// (from its flow's secretsOf) so that the response can be redacted of them.
func (c *Context) noteCardSecrets(numbers []string) {
	for _, n := range numbers {
		if len(n) >= minRedactLen {
			c.accountNumbers = append(c.accountNumbers, n)
		}
	}
}

// redact masks, in an encoded message, every credential value the manifest
// does not declare non-secret and every card number, IBAN and bank account
// number of the request. The mask has the secret's length, so the encoding
// stays valid: a card or account number keeps its first and last four
// characters (a card its first six, the BIN), a credential becomes asterisks.
// CVCs (three or four digits) are too short to find safely in an encoding:
// never copy one into a response (the conformance suite checks).
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
	for _, n := range c.accountNumbers {
		keep := 4
		if allDigits(n) && len(n) >= 13 {
			keep = 6 // a card number's BIN
		}
		b = maskAll(b, n, func(s []byte) { fill(s, keep, len(s)-4) })
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
