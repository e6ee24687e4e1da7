package paypal_test

// A fake PayPal for the host end-to-end tests: internal/specfake validates
// every request against PayPal's published OpenAPI documents (Orders v2,
// Payments v2, Vault v3, Disputes v1, in ../shared/oracles/paypal) with
// objects closed (an unknown field is a violation), and the token request
// against the documents' OAuth 2.0 client-credentials flow. It answers in
// the documented shapes, which specfake validates too.

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"context"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/connectorhost/connector-host/internal/specfake"
)

// threeDSCard is the card number the fake answers with a 3-D Secure challenge.
const threeDSCard = "4000000000003220"

const (
	testClientID     = "AcmeE2EClientId_0001"
	testClientSecret = "EAcme_e2e_client_secret_0001"
)

var (
	docsOnce sync.Once
	docs     []*openapi3.T
	docsErr  error
)

// paypalDocs loads the four documents once per test binary (or skips).
func paypalDocs(t *testing.T) []*openapi3.T {
	t.Helper()
	dir := filepath.Join(specfake.OraclesDir(t), "paypal")
	docsOnce.Do(func() {
		for _, f := range []string{"checkout_orders_v2.json", "payments_payment_v2.json", "vault_payment_tokens_v3.json", "customer_disputes_v1.json"} {
			d, err := specfake.Load(filepath.Join(dir, f), specfake.LoadOptions{CloseObjects: true, MergeAllOf: true})
			if err != nil {
				docsErr = err
				return
			}
			switch f {
			case "customer_disputes_v1.json":
				docsErr = withEvidenceInput(d)
			case "checkout_orders_v2.json":
				docsErr = withProcessingInstruction(d)
			}
			if docsErr != nil {
				return
			}
			docs = append(docs, d)
		}
		var tok *openapi3.T
		if tok, docsErr = tokenDoc(docs[0]); docsErr == nil {
			docs = append(docs, tok)
		}
	})
	if docsErr != nil {
		t.Fatalf("load PayPal's OpenAPI documents: %v", docsErr)
	}
	return docs
}

// withEvidenceInput declares the "input" part of provide-evidence, which the
// published Disputes v1 document leaves out of its multipart schema (it
// lists only evidence-file) while the operation's description says to
// "specify the evidence in the JSON request body" and PayPal's Postman
// collection sends it as the form part "input":
// {"evidences": [{"evidence_type", "evidence_info", "notes"}]}. The part is a
// JSON object whose evidences are the document's own (closed) evidence
// schema, so what the connector sends there is still checked field by field.
func withEvidenceInput(d *openapi3.T) error {
	rb := d.Components.RequestBodies["evidences"]
	ev := d.Components.Schemas["evidence"]
	if rb == nil || rb.Value == nil || ev == nil {
		return errors.New("Disputes v1 has no evidences request body or evidence schema")
	}
	mt := rb.Value.Content.Get("multipart/form-data")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || mt.Schema.Value.Properties["evidence-file"] == nil {
		return errors.New("Disputes v1's provide-evidence body is not the multipart form with evidence-file")
	}
	closed := false
	evidences := openapi3.NewArraySchema()
	evidences.MinItems, evidences.Items = 1, ev
	input := openapi3.NewObjectSchema()
	input.Required = []string{"evidences"}
	input.AdditionalProperties = openapi3.AdditionalProperties{Has: &closed}
	input.Properties = openapi3.Schemas{"evidences": openapi3.NewSchemaRef("", evidences)}
	mt.Schema.Value.Properties["input"] = openapi3.NewSchemaRef("", input)
	return nil
}

// withProcessingInstruction lets orders.create take processing_instruction,
// which this snapshot of Orders v2 has on the order it answers and on
// confirm_order_request but not on order_request, while orders.create's own
// 422 answers ORDER_COMPLETE_ON_PAYMENT_APPROVAL ("A processing_instruction
// of ORDER_COMPLETE_ON_PAYMENT_APPROVAL is required for the specified
// payment_source") and PayPal's alternative payment method guides send it
// at the top level of the create order request. The value is the document's
// own processing_instruction enum.
func withProcessingInstruction(d *openapi3.T) error {
	req, pi := d.Components.Schemas["order_request"], d.Components.Schemas["processing_instruction"]
	if req == nil || req.Value == nil || pi == nil {
		return errors.New("Orders v2 has no order_request or processing_instruction schema")
	}
	if req.Value.Properties["processing_instruction"] == nil {
		req.Value.Properties["processing_instruction"] = pi
	}
	return nil
}

// tokenDoc describes the token endpoint the documents name in their OAuth 2.0
// clientCredentials flow (tokenUrl) as RFC 6749 section 4.4 defines the
// request: POST, HTTP Basic client authentication, a form body whose only
// member is grant_type=client_credentials.
func tokenDoc(orders *openapi3.T) (*openapi3.T, error) {
	scheme := orders.Components.SecuritySchemes["Oauth2"]
	if scheme == nil || scheme.Value.Flows == nil || scheme.Value.Flows.ClientCredentials == nil {
		return nil, errors.New("Orders v2 declares no OAuth 2.0 clientCredentials flow")
	}
	tokenURL := scheme.Value.Flows.ClientCredentials.TokenURL
	spec := fmt.Sprintf(`{"openapi":"3.0.3","info":{"title":"PayPal OAuth 2.0 token (from the clientCredentials flow of Orders v2)","version":"1"},
"components":{"securitySchemes":{"basic":{"type":"http","scheme":"basic"}}},
"paths":{%q:{"post":{"operationId":"oauth2.token","security":[{"basic":[]}],
 "requestBody":{"required":true,"content":{"application/x-www-form-urlencoded":{"schema":{"type":"object","additionalProperties":false,
   "required":["grant_type"],"properties":{"grant_type":{"type":"string","enum":["client_credentials"]}}}}}},
 "responses":{"200":{"description":"token","content":{"application/json":{"schema":{"type":"object","additionalProperties":false,
   "required":["access_token","token_type","expires_in"],"properties":{"scope":{"type":"string"},"access_token":{"type":"string"},
   "token_type":{"type":"string"},"app_id":{"type":"string"},"expires_in":{"type":"integer"},"nonce":{"type":"string"}}}}}},
  "401":{"description":"bad client"}}}}}}`, tokenURL)
	return openapi3.NewLoader().LoadFromData([]byte(spec))
}

// fakePayPal is the running fake and the tokens it issued.
type fakePayPal struct {
	*specfake.Server
	mu     sync.Mutex
	tokens int
	valid  map[string]bool
	orders map[string]map[string]any // order id -> the order as last answered
	n      int
}

func newFakePayPal(t *testing.T) *fakePayPal {
	t.Helper()
	f := &fakePayPal{valid: map[string]bool{}, orders: map[string]map[string]any{}}
	var mounts []specfake.Mount
	for _, d := range paypalDocs(t) {
		mounts = append(mounts, specfake.Mount{Doc: d})
	}
	f.Server = specfake.New(t, specfake.Options{
		Mounts:       mounts,
		Authenticate: f.authenticate,
		Check:        checkRequestID,
		Default:      f.answer,
	})
	return f
}

// authenticate accepts HTTP Basic with the test client on the token
// endpoint and a bearer token this fake issued everywhere else.
func (f *fakePayPal) authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	switch in.SecuritySchemeName {
	case "basic":
		if h != "Basic "+base64.StdEncoding.EncodeToString([]byte(testClientID+":"+testClientSecret)) {
			return errors.New("Authorization: Basic client credentials missing or wrong")
		}
	case "Oauth2":
		f.mu.Lock()
		ok := strings.HasPrefix(h, "Bearer ") && f.valid[strings.TrimPrefix(h, "Bearer ")]
		f.mu.Unlock()
		if !ok {
			return errors.New("Authorization: Bearer token missing or not issued by this fake")
		}
	default:
		return fmt.Errorf("security scheme %q is not used by the connector", in.SecuritySchemeName)
	}
	return nil
}

// checkRequestID requires PayPal-Request-Id (at most 108 characters, the
// Orders v2 limit) on every POST but the token request, whose form body must
// be exactly grant_type=client_credentials (kin-openapi does not refuse
// extra form members).
func checkRequestID(ex specfake.Exchange) error {
	if ex.Operation == "oauth2.token" {
		if string(ex.Raw) != "grant_type=client_credentials" {
			return fmt.Errorf("token request body %q is not exactly grant_type=client_credentials", ex.Raw)
		}
		return nil
	}
	if ex.Method != http.MethodPost {
		return nil
	}
	id := ex.Header.Get("PayPal-Request-Id")
	if id == "" || len(id) > 108 {
		return fmt.Errorf("POST without a PayPal-Request-Id of 1 to 108 characters (got %q)", id)
	}
	return nil
}

// revoke makes every token issued so far invalid (as an expiry would).
func (f *fakePayPal) revoke() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.valid = map[string]bool{}
}

func (f *fakePayPal) id(prefix string) string {
	f.n++
	return fmt.Sprintf("%s%014d", prefix, f.n)
}

func link(href, rel, method string) map[string]any {
	return map[string]any{"href": href, "rel": rel, "method": method}
}

// answer answers each operation in its documented shape.
func (f *fakePayPal) answer(ex specfake.Exchange) (int, any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := ex.Body
	switch ex.Operation {
	case "oauth2.token":
		f.tokens++
		tok := "A21AAfake" + strconv.Itoa(f.tokens)
		f.valid[tok] = true
		return 200, map[string]any{"scope": "https://uri.paypal.com/services/payments/payment", "access_token": tok, "token_type": "Bearer",
			"app_id": "APP-80W284485P519543T", "expires_in": 32400, "nonce": "2026-01-02T03:04:05Z-nonce"}
	case "orders.create":
		return f.createOrder(b)
	case "orders.authorize", "orders.capture":
		o := f.orders[ex.PathParams["id"]]
		if o == nil {
			return 404, notFound()
		}
		o["status"] = "COMPLETED"
		f.pay(o, o["intent"] == "CAPTURE")
		return 201, o
	case "orders.get":
		o := f.orders[ex.PathParams["id"]]
		if o == nil {
			return 404, notFound()
		}
		return 200, o
	case "authorizations.capture":
		amount := b["amount"]
		id := f.id("CAP")
		for _, o := range f.orders {
			pays := o["purchase_units"].([]any)[0].(map[string]any)["payments"].(map[string]any)
			auths, _ := pays["authorizations"].([]any)
			for _, a := range auths {
				if a.(map[string]any)["id"] == ex.PathParams["authorization_id"] {
					a.(map[string]any)["status"] = "CAPTURED"
					caps, _ := pays["captures"].([]any)
					pays["captures"] = append(caps, map[string]any{"id": id, "status": "COMPLETED", "amount": amount})
				}
			}
		}
		return 201, map[string]any{"id": id, "status": "COMPLETED", "amount": amount, "final_capture": b["final_capture"],
			"links": []any{link("https://api-m.sandbox.paypal.com/v2/payments/captures/"+id, "self", "GET")}}
	case "authorizations.void":
		return 204, nil
	case "captures.refund":
		id := f.id("REF")
		return 201, map[string]any{"id": id, "status": "COMPLETED", "amount": b["amount"], "custom_id": b["custom_id"],
			"links": []any{link("https://api-m.sandbox.paypal.com/v2/payments/refunds/"+id, "self", "GET")}}
	case "refunds.get":
		return 200, map[string]any{"id": ex.PathParams["refund_id"], "status": "COMPLETED", "amount": map[string]any{"currency_code": "USD", "value": "2.50"},
			"custom_id": "refund_1"}
	case "payment-tokens.create":
		id := f.id("TOK")
		card := b["payment_source"].(map[string]any)["card"].(map[string]any)
		num := card["number"].(string)
		out := map[string]any{"id": strings.ToLower(id), "payment_source": map[string]any{"card": map[string]any{
			"last_digits": num[len(num)-4:], "brand": "VISA", "expiry": card["expiry"]}},
			"links": []any{link("https://api-m.sandbox.paypal.com/v3/vault/payment-tokens/"+strings.ToLower(id), "self", "GET")}}
		if c, ok := b["customer"].(map[string]any); ok {
			out["customer"] = c
		} else {
			out["customer"] = map[string]any{"id": "CUST1234"}
		}
		return 201, out
	case "payment-tokens.delete":
		return 204, nil
	case "disputes.get":
		return 200, map[string]any{"dispute_id": ex.PathParams["id"], "reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED", "status": "WAITING_FOR_SELLER_RESPONSE",
			"dispute_amount": map[string]any{"currency_code": "USD", "value": "10.00"}, "dispute_life_cycle_stage": "CHARGEBACK",
			"seller_response_due_date": "2026-01-22T03:02:00.000Z",
			"disputed_transactions":    []any{map[string]any{"seller_transaction_id": "CAP00000000000001"}}}
	case "disputes.accept-claim", "disputes.provide-evidence":
		return 200, map[string]any{"links": []any{link("https://api-m.sandbox.paypal.com/v1/customer/disputes/"+ex.PathParams["id"], "self", "GET")}}
	}
	return http.StatusNotImplemented, nil
}

func notFound() map[string]any {
	return map[string]any{"name": "RESOURCE_NOT_FOUND", "message": "The specified resource does not exist.", "debug_id": "f2fa0da61d0cc",
		"details": []any{map[string]any{"issue": "INVALID_RESOURCE_ID", "description": "Specified resource ID does not exist."}}}
}

// createOrder answers orders.create: cards and vaulted instruments pay at
// once, the PayPal wallet and bank methods wait for the payer.
func (f *fakePayPal) createOrder(b map[string]any) (int, any) {
	id := f.id("ORD")
	pu := b["purchase_units"].([]any)[0].(map[string]any)
	unit := map[string]any{"reference_id": "default", "amount": pu["amount"], "payments": map[string]any{}}
	if c, ok := pu["custom_id"]; ok {
		unit["custom_id"] = c
	}
	o := map[string]any{"id": id, "intent": b["intent"], "purchase_units": []any{unit},
		"links": []any{link("https://api-m.sandbox.paypal.com/v2/checkout/orders/"+id, "self", "GET")}}
	f.orders[id] = o
	src, _ := b["payment_source"].(map[string]any)
	if card, ok := src["card"].(map[string]any); ok && card["number"] == threeDSCard {
		// PayPal's 3-D Secure challenge: the payer authenticates first.
		o["status"] = "PAYER_ACTION_REQUIRED"
		o["links"] = append(o["links"].([]any), link("https://www.sandbox.paypal.com/webapps/helios?action=authenticate&token="+id, "payer-action", "GET"))
		return 200, o
	}
	if card, ok := src["card"].(map[string]any); ok || src["paypal"] != nil && src["paypal"].(map[string]any)["vault_id"] != nil {
		o["status"] = "COMPLETED"
		f.pay(o, b["intent"] == "CAPTURE")
		if card != nil {
			ps := map[string]any{"brand": "VISA", "type": "CREDIT"}
			if num, ok := card["number"].(string); ok {
				ps["last_digits"] = num[len(num)-4:]
			}
			if at, ok := card["attributes"].(map[string]any); ok && at["vault"] != nil {
				ps["attributes"] = map[string]any{"vault": map[string]any{"id": "vlt" + id[3:], "status": "VAULTED", "customer": map[string]any{"id": "CUST1234"}}}
			}
			o["payment_source"] = map[string]any{"card": ps}
		}
		return 201, o
	}
	if src == nil {
		o["status"] = "CREATED"
		o["links"] = append(o["links"].([]any), link("https://www.sandbox.paypal.com/checkoutnow?token="+id, "approve", "GET"))
		return 201, o
	}
	o["status"] = "PAYER_ACTION_REQUIRED"
	o["links"] = append(o["links"].([]any), link("https://www.sandbox.paypal.com/checkoutnow?token="+id, "payer-action", "GET"))
	return 200, o
}

// pay adds a completed capture or a created authorization to an order.
func (f *fakePayPal) pay(o map[string]any, capture bool) {
	unit := o["purchase_units"].([]any)[0].(map[string]any)
	pays := unit["payments"].(map[string]any)
	p := map[string]any{"amount": unit["amount"], "network_transaction_reference": map[string]any{"id": "123456789012345", "network": "VISA"}}
	if capture {
		p["id"], p["status"], p["final_capture"] = f.id("CAP"), "COMPLETED", true
		pays["captures"] = []any{p}
	} else {
		p["id"], p["status"] = f.id("AUT"), "CREATED"
		pays["authorizations"] = []any{p}
	}
	if c, ok := unit["custom_id"]; ok {
		p["custom_id"] = c
	}
}
