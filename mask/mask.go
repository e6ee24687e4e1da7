// Package mask hides secrets in text that may be logged or returned: card
// numbers, CVCs, API keys, webhook secrets.
//
// It is shared by the host and the plugins (the PDK and connectors) and
// belongs to neither, like abi and money: the host never imports pdk/, and
// plugins never import host/.
package mask

import "strings"

// PAN masks a card number to its last four digits: "************4242".
func PAN(number string) string {
	if len(number) <= 4 {
		return strings.Repeat("*", len(number))
	}
	return strings.Repeat("*", len(number)-4) + number[len(number)-4:]
}

// Secret masks a secret entirely except a hint of its kind for long values:
// "sk_test_abc...xyz" becomes "sk_t****". Short secrets become "****".
func Secret(s string) string {
	if len(s) < 12 {
		return "****"
	}
	return s[:4] + "****"
}

// Redact replaces every occurrence of each secret (of at least 4 bytes) in text with "[redacted]".
func Redact(text string, secrets ...string) string {
	for _, s := range secrets {
		if len(s) >= 4 {
			text = strings.ReplaceAll(text, s, "[redacted]")
		}
	}
	return text
}
