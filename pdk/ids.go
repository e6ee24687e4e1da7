package pdk

import (
	"net/url"
	"strconv"
	"strings"
)

// PathID returns id escaped for one URL path segment
// ("/v2/payments/"+id), or an InvalidRequest naming field when it is empty
// or blank: a missing id must never turn into a request for the collection.
func PathID(field, id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", InvalidRequest(field, "is required")
	}
	return url.PathEscape(id), nil
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
