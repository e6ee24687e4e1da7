package example

import (
	"bytes"

	"github.com/valyala/fastjson"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
)

// Reading JSON in a plugin. Answers are untrusted input: check the HTTP
// status first, then the shape (a JSON object), then read each field with
// a lookup that cannot panic. fastjson (what the bundled plugins use) reads
// without reflection and bounds nesting depth; encoding/json into structs
// works as well.

// payment is what the connector needs from an ExamplePay payment object:
//
//	{"id":"pay_1","object":"payment","status":"succeeded","reference":"order_1","amount":{"value":"10.00","currency":"USD"}}
type payment struct {
	id, status, reference string
	amount                *v1.Money
}

// checkStatus maps an HTTP error to the typed error its status means.
func checkStatus(res *pdk.Response) error {
	switch s := res.Status; {
	case s == 401 || s == 403:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "ExamplePay refused the API key (HTTP %d)", s)
	case s == 404:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, "ExamplePay has no such payment")
	case s == 409:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CONFLICT, "ExamplePay reports a conflict")
	case s == 429:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, "ExamplePay rate-limited the request")
	case s >= 500:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, "ExamplePay is unavailable (HTTP %d)", s)
	case s >= 400:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, "ExamplePay rejected the request (HTTP %d)", s)
	case s/100 != 2:
		return pdk.InvalidResponse("ExamplePay answered an unexpected HTTP %d", s)
	}
	return nil
}

// parseObject parses a body that must be one JSON object.
func parseObject(res *pdk.Response) (*fastjson.Value, error) {
	if res.Truncated {
		return nil, pdk.InvalidResponse("ExamplePay's answer (HTTP %d) was truncated", res.Status)
	}
	body := bytes.TrimSpace(res.Body)
	if len(body) == 0 || body[0] != '{' {
		return nil, pdk.InvalidResponse("ExamplePay answered HTTP %d with a body that is not a JSON object", res.Status)
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return nil, pdk.InvalidResponse("ExamplePay answered HTTP %d with malformed JSON: %v", res.Status, err)
	}
	return v, nil
}

// str returns the string at keys, or "" when it is absent or not a string.
func str(v *fastjson.Value, keys ...string) string {
	return string(v.GetStringBytes(keys...))
}

// readPayment reads a payment answer.
func readPayment(res *pdk.Response) (*payment, error) {
	if err := checkStatus(res); err != nil {
		return nil, err
	}
	v, err := parseObject(res)
	if err != nil {
		return nil, err
	}
	p := &payment{id: str(v, "id"), status: str(v, "status"), reference: str(v, "reference")}
	if str(v, "object") != "payment" || p.id == "" {
		return nil, pdk.InvalidResponse("ExamplePay's answer is not a payment")
	}
	if v.Exists("amount") {
		cur := str(v, "amount", "currency")
		minor, err := money.ParseDecimal(str(v, "amount", "value"), cur)
		if err != nil {
			return nil, pdk.InvalidResponse("ExamplePay's payment amount: %v", err)
		}
		p.amount = &v1.Money{MinorAmount: minor, Currency: cur}
	}
	return p, nil
}
