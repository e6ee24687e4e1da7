package weburl

import (
	"errors"
	"strings"
)

// maxParams is net/url's default limit on the parameters of a query (its
// urlmaxqueryparams GODEBUG setting is not read here).
const maxParams = 10000

// errTooManyParams is net/url's error for a query of more than
// maxParams parameters.
var errTooManyParams = errors.New("number of URL query parameters exceeded limit")

// ParseQuery is url.ParseQuery: it parses a URL-encoded query (or form
// body) into its values by key, in order. Like net/url it keeps going
// after a malformed pair and returns the first error; a key with a
// semicolon is malformed.
func ParseQuery(query string) (map[string][]string, error) {
	m := make(map[string][]string)
	if strings.Count(query, "&")+1 > maxParams {
		return m, errTooManyParams
	}
	var err error
	for query != "" {
		var key string
		key, query, _ = strings.Cut(query, "&")
		if strings.Contains(key, ";") {
			err = errors.New("invalid semicolon separator in query")
			continue
		}
		if key == "" {
			continue
		}
		key, value, _ := strings.Cut(key, "=")
		key, err1 := QueryUnescape(key)
		if err1 != nil {
			if err == nil {
				err = err1
			}
			continue
		}
		value, err1 = QueryUnescape(value)
		if err1 != nil {
			if err == nil {
				err = err1
			}
			continue
		}
		m[key] = append(m[key], value)
	}
	return m, err
}

// First is the first value of key in values, or "" (url.Values.Get).
func First(values map[string][]string, key string) string {
	if vs := values[key]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}
