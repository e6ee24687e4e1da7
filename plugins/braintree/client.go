package braintree

import (
	"cmp"
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/idemkey"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// processor names Braintree in error messages.
const processor = "Braintree"

// maxClientMutationID is Braintree's limit on clientMutationId and orderId.
const maxClientMutationID = 255

// idempotencyHeader carries the operation's key derived from the merchant's
// id. Braintree's public GraphQL API has no idempotency key and ignores it
// (see the manifest notes): it is the host ABI's contract (retries, logs).
const idempotencyHeader = "Idempotency-Key"

// idempotencyKey derives the key of an operation from the merchant's id for it.
func idempotencyKey(op, id string) string { return idemkey.Derive(op, id, maxClientMutationID) }

// api is how every Braintree request starts: HTTP Basic auth with the API
// key pair, Braintree-Version and Accept.
var api = &pdk.API{
	Auth:    pdk.Basic(credPublicKey, credPrivateKey),
	Headers: [][2]string{{"Braintree-Version", APIVersion}, {"Accept", "application/json"}},
}

// gql builds the POST /graphql carrying query and its variables (written by
// vars), with Basic auth from the API key pair and Braintree-Version. key is
// the idempotency key of a mutation; "" marks a query, safe to repeat.
func gql(c *pdk.Context, query, key string, vars func(v *jsonw.Object)) (*pluginv1.HttpRequest, error) {
	r, err := api.NewRequest(c, "POST", graphqlPath)
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	o.String("query", query)
	o.Object("variables", vars)
	if key != "" {
		// Braintree's GraphQL API does not deduplicate by this key: it is
		// sent for tracing only and the request is not marked retry-safe, so
		// the host never repeats a mutation (a repeat could refund or charge
		// twice).
		r.AdvisoryIdempotencyKey(idempotencyHeader, key)
	} else {
		r.Idempotent()
	}
	return r.Body("application/json", o.Bytes()).Build(), nil
}

// mutation builds a mutation whose only variable is $input of inputType;
// id is the merchant's id of the operation (the idempotency key's source).
func mutation(c *pdk.Context, name, inputType, selection, id string, input func(o *jsonw.Object)) (*pluginv1.HttpRequest, error) {
	q := "mutation " + strings.ToUpper(name[:1]) + name[1:] + "($input: " + inputType + "!) { " + name + "(input: $input) { " + selection + " } }"
	return gql(c, q, idempotencyKey(name, id), func(v *jsonw.Object) { v.Object("input", input) })
}

// node builds the node(id) query of a Transaction or Dispute.
func node(c *pdk.Context, field, id, typ, selection string) (*pluginv1.HttpRequest, error) {
	if strings.TrimSpace(id) == "" {
		return nil, pdk.InvalidRequest(field, "is required")
	}
	q := "query Node($id: ID!) { node(id: $id) { ... on " + typ + " { " + selection + " } } }"
	return gql(c, q, "", func(v *jsonw.Object) { v.String("id", id) })
}

// decimal validates a unified amount and formats it as Braintree's Amount
// scalar (a decimal string in the currency's ISO-4217 exponent: "10.00",
// "1000" for JPY, "1.005" for BHD).
func decimal(field string, m *v1.Money, allowZero bool) (string, error) {
	if m == nil {
		return "", pdk.InvalidRequest(field, "is required")
	}
	if m.GetMinorAmount() < 0 || (!allowZero && m.GetMinorAmount() == 0) {
		return "", pdk.InvalidRequest(field+".minor_amount", "must be greater than 0 at Braintree")
	}
	s, err := money.Decimal(m.GetMinorAmount(), m.GetCurrency())
	if err != nil {
		return "", pdk.InvalidRequest(field+".currency", textf.Sprintf("%q is not an ISO-4217 currency", m.GetCurrency()))
	}
	return s, nil
}

// merchantAccount is the merchant account for currency: the operator's
// config merchant_account_id_<CURRENCY>, else the credential; "" selects the
// gateway's default merchant account.
func merchantAccount(c *pdk.Context, currency string) string {
	if id := c.Config[configMerchantAccountPrefix+strings.ToUpper(currency)]; id != "" {
		return id
	}
	return c.Credentials[credMerchantID]
}

// moneyAt reads a MonetaryAmount {value, currencyCode} at keys; nil when absent.
func moneyAt(v *fastjson.Value, keys ...string) (*v1.Money, error) {
	if !jsonr.Has(v, keys...) || v.Get(keys...).Type() == fastjson.TypeNull {
		return nil, nil
	}
	val, cur := jsonr.Str(v, append(keys, "value")...), jsonr.Str(v, append(keys, "currencyCode")...)
	if cur == "" {
		cur = jsonr.Str(v, append(keys, "currencyIsoCode")...)
	}
	minor, err := money.ParseDecimal(val, cur)
	if err != nil || cur == "" {
		return nil, pdk.InvalidResponse("Braintree's %s is not a MonetaryAmount {value, currencyCode}: %v", strings.Join(keys, "."), err)
	}
	return &v1.Money{MinorAmount: minor, Currency: cur}, nil
}

// checkMoney requires got to be present and, when want is set, equal to it.
func checkMoney(got, want *v1.Money, what string) error {
	if got == nil {
		return pdk.InvalidResponse("Braintree's %s has no amount", what)
	}
	return pdk.CheckAmount(want, got, "Braintree's "+what+" amount")
}

// gqlError is the first entry of an answer's errors array.
type gqlError struct{ message, class, legacyCode, inputPath string }

func firstError(v *fastjson.Value) (gqlError, bool) {
	for _, e := range jsonr.Objects(v, "errors") {
		ge := gqlError{message: jsonr.Str(e, "message"), class: jsonr.Str(e, "extensions", "errorClass"),
			legacyCode: jsonr.Str(e, "extensions", "legacyCode")}
		var path []string
		for _, p := range jsonr.Array(e, "extensions", "inputPath") {
			if s, err := p.StringBytes(); err == nil {
				path = append(path, string(s))
			} else {
				path = append(path, p.String())
			}
		}
		ge.inputPath = strings.Join(path, ".")
		return ge, true
	}
	return gqlError{}, false
}

// connectorError is the processor layer of a PaymentError.
func (ge gqlError) connectorError(status int) *v1.ConnectorError {
	msg := ge.message
	if ge.inputPath != "" {
		msg = strings.TrimSpace(msg + " (input " + ge.inputPath + ")")
	}
	return &v1.ConnectorError{Code: ge.legacyCode, Message: msg, HttpStatus: int32(status), Type: ge.class}
}

// isDecline reports whether the error is a processor decline: Braintree's
// processor response codes 2000-3000 (legacyCode) on a transaction mutation.
func (ge gqlError) isDecline() bool {
	n, err := strconv.Atoi(ge.legacyCode)
	return err == nil && n >= 2000 && n <= 3000
}

// payload reads an answer and returns data.<field>: non-2xx answers and
// GraphQL errors (which come with HTTP 200) are typed errors carrying the
// three-layer PaymentError. An answer may mix data and errors ("partial
// success", https://developer.paypal.com/braintree/in-person/guides/graphql-error-handling):
// when data.<field> is an object the operation ran and the errors are about
// nested fields, so the data is the result (a mutation reported as failed
// could be retried and charge twice).
func payload(res *pdk.Response, field string) (*fastjson.Value, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	v, err := jsonr.Object(res, processor)
	if err != nil {
		return nil, err
	}
	if p := dataObject(v, field); p != nil {
		return p, nil
	}
	if ge, ok := firstError(v); ok {
		return nil, ge.typed(res.Status)
	}
	return nil, pdk.InvalidResponse("Braintree's answer (HTTP %d) has no data.%s object", res.Status, field)
}

// dataObject is data.<field> of an answer when it is an object, else nil.
func dataObject(v *fastjson.Value, field string) *fastjson.Value {
	if p := v.Get("data", field); p != nil && p.Type() == fastjson.TypeObject {
		return p
	}
	return nil
}

// typed is the Go error of a GraphQL error, by its errorClass
// (https://developer.paypal.com/braintree/graphql/guides/making_api_calls):
//
//	AUTHENTICATION                 -> CREDENTIALS (INVALID_CREDENTIALS)
//	AUTHORIZATION                  -> CREDENTIALS (PERMISSION_DENIED)
//	NOT_FOUND                      -> NOT_FOUND
//	RESOURCE_LIMIT                 -> RATE_LIMITED
//	INTERNAL, SERVICE_AVAILABILITY -> PROCESSOR_UNAVAILABLE
//	VALIDATION, others             -> PROCESSOR_REJECTED, legacyCode mapped
func (ge gqlError) typed(status int) error {
	kind, code := pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, legacyCode(ge.legacyCode, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST)
	switch ge.class {
	case "AUTHENTICATION":
		kind, code = pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS
	case "AUTHORIZATION":
		kind, code = pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED
	case "NOT_FOUND":
		kind, code = pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND
	case "RESOURCE_LIMIT":
		kind, code = pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, v1.ErrorCode_ERROR_CODE_RATE_LIMITED
	case "INTERNAL", "SERVICE_AVAILABILITY":
		kind, code = pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
	}
	msg := cmp.Or(ge.message, "Braintree answered with an error")
	text := "Braintree " + cmp.Or(ge.class, "error")
	if ge.legacyCode != "" {
		text += " " + ge.legacyCode
	}
	return &pdk.Error{Kind: kind, Message: text + ": " + ge.connectorError(status).GetMessage(),
		Detail: &v1.PaymentError{Code: code, Message: msg, Connector: ge.connectorError(status)}}
}

// httpError classifies a non-2xx answer (Braintree answers GraphQL errors
// with 200; other statuses come from its edge) by pdk.StatusKind, except
// that 403 is credentials and 409 a rejection. nil for 2xx.
func httpError(res *pdk.Response) error {
	if res.Status >= 200 && res.Status < 300 {
		return nil
	}
	ge, _ := firstError(jsonr.TryObject(res.Body))
	kind, code := pdk.StatusKind(res.Status)
	switch res.Status {
	case 403: // an API key without the permission
		kind = pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS
	case 409: // not a state conflict at Braintree's edge: a rejection
		kind, code = pdk.StatusKind(400)
	}
	msg := cmp.Or(ge.message, "HTTP "+strconv.Itoa(res.Status))
	return &pdk.Error{Kind: kind, Message: "Braintree HTTP " + strconv.Itoa(res.Status) + ": " + msg,
		Detail: &v1.PaymentError{Code: code, Message: msg, Connector: ge.connectorError(res.Status)}}
}

// reference validates a merchant id Braintree echoes (orderId,
// clientMutationId): at most 255 characters.
func reference(field, id string) error {
	if len(id) > maxClientMutationID {
		return pdk.InvalidRequest(field, "must be at most 255 characters at Braintree (orderId, clientMutationId)")
	}
	return nil
}
