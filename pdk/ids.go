package pdk

import (
	"strconv"
	"strings"

	"github.com/connectorhost/connector-host/internal/weburl"
)

// PathID returns id escaped for one URL path segment
// ("/v2/payments/"+id), or an InvalidRequest naming field when it is empty
// or blank: a missing id must never turn into a request for the collection.
func PathID(field, id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", InvalidRequest(field, "is required")
	}
	return weburl.PathEscape(id), nil
}

// SameID refuses an answer about another object than the one asked for:
// when want (the id the request named) is set and the answer's id got
// differs, an IntegrityMismatch naming processor and both ids.
func SameID(processor, got, want string) error {
	if want != "" && got != want {
		return IntegrityMismatch("%s answered about %s, not the requested %s", processor, strconv.Quote(got), strconv.Quote(want))
	}
	return nil
}

// CheckID refuses an id the caller must send in the processor's format:
// empty ("is required") or not valid ("must be an id like <example>"),
// naming field. valid is the format's test, usually a pattern's
// MatchString; an id that passes is safe in a URL path.
func CheckID(field, id string, valid func(string) bool, example string) error {
	if id == "" {
		return InvalidRequest(field, "is required")
	}
	if !valid(id) {
		return InvalidRequest(field, "must be an id like "+example)
	}
	return nil
}
