package stripe

import (
	"bytes"

	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// answer is Stripe's parsed HTTP answer: Obj for a 2xx JSON object, Err for
// an error status.
type answer struct {
	Status    int
	RequestID string
	Obj       *fastjson.Value
	Err       *apiError
}

// maxAnswerBytes bounds the answers the plugin parses. Stripe's objects are a
// few KB even with expansions; parsing megabytes of JSON would exhaust the
// sandbox's memory (fastjson keeps a node per value), so a larger answer is
// refused before parsing.
const maxAnswerBytes = 256 << 10

// isJSONObject reports whether body starts (after white space) with '{'.
func isJSONObject(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// readAnswer parses Stripe's answer. A 2xx answer must be a complete JSON
// object, else InvalidResponse. An error status becomes Err, with Stripe's
// error object when the body has one. secrets are redacted from messages.
func readAnswer(res *pdk.Response, secrets []string) (*answer, error) {
	a := &answer{Status: res.Status, RequestID: res.Header("Request-Id")}
	var p fastjson.Parser
	if res.Status >= 200 && res.Status < 300 {
		if res.Truncated {
			return nil, pdk.InvalidResponse("the answer (HTTP %d) was truncated", res.Status)
		}
		if len(bytes.TrimSpace(res.Body)) == 0 {
			return nil, pdk.InvalidResponse("answered HTTP %d with an empty body", res.Status)
		}
		if len(res.Body) > maxAnswerBytes {
			return nil, pdk.InvalidResponse("answered HTTP %d with %d bytes, more than any Stripe object (limit %d)", res.Status, len(res.Body), maxAnswerBytes)
		}
		if !isJSONObject(res.Body) {
			return nil, pdk.InvalidResponse("answered HTTP %d with a body that is not a JSON object", res.Status)
		}
		v, err := p.ParseBytes(res.Body)
		if err != nil {
			return nil, pdk.InvalidResponse("answered HTTP %d with a body that is not JSON: %v", res.Status, err)
		}
		if v.Type() != fastjson.TypeObject {
			return nil, pdk.InvalidResponse("answered HTTP %d with JSON %s, not an object", res.Status, v.Type())
		}
		a.Obj = v
		return a, nil
	}
	var e *fastjson.Value
	if !res.Truncated && len(res.Body) <= maxAnswerBytes && isJSONObject(res.Body) {
		if v, err := p.ParseBytes(res.Body); err == nil {
			e = object(v, "error")
		}
	}
	if e != nil {
		a.Err = parseAPIError(e, res.Status, a.RequestID, secrets)
	} else {
		a.Err = &apiError{HTTPStatus: res.Status, RequestID: a.RequestID}
	}
	return a, nil
}

// requireID checks that a parsed Stripe object has an id.
func requireID(v *fastjson.Value, what string) (string, error) {
	id := str(v, "id")
	if id == "" {
		return "", pdk.InvalidResponse("the %s answer has no id", what)
	}
	return id, nil
}
