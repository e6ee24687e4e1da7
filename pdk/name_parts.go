package pdk

import "strings"

// NameParts splits a person's full name at its first space into a given
// and a family name, both trimmed ("Frank  Osborne" is "Frank",
// "Osborne"; "Cher" is "Cher", ""): what processors that take the two
// apart are sent when a request has only the whole name (Braintree's and
// Square's customers, GoCardless's when the address has none).
func NameParts(name string) (given, family string) {
	given, family, _ = strings.Cut(strings.TrimSpace(name), " ")
	return given, strings.TrimSpace(family)
}
