package adyen

// A fake Adyen that validates every request against Adyen's published
// OpenAPI documents (../shared/oracles/adyen) with kin-openapi, and answers
// with bodies that are themselves validated against the response schemas.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// loadSpec reads an OpenAPI document and fixes, in memory, what a strict
// OpenAPI 3.1 validator cannot take as published (the file is never edited):
//
//   - `nullable: true` (an OpenAPI 3.0 keyword Checkout v71 still uses on
//     merchantRefundReason) becomes `type: [T, "null"]`, with null added to
//     the enum, which is what it means;
//   - with closeObjects, object schemas that do not say otherwise get
//     additionalProperties: false. Disputes v30 leaves its objects open, so
//     without this an unknown field would pass; Checkout v71 already closes
//     every request schema.
func loadSpec(path string, closeObjects bool) (*openapi3.T, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rewriteNullable(doc)
	if closeObjects {
		schemas, _ := at(doc, "components", "schemas").(map[string]any)
		for _, s := range schemas {
			m, ok := s.(map[string]any)
			if !ok {
				continue
			}
			if _, has := m["additionalProperties"]; !has && m["type"] == "object" && m["properties"] != nil {
				m["additionalProperties"] = false
			}
		}
	}
	fixed, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(fixed)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", filepath.Base(path), err)
	}
	return spec, nil
}

// rewriteNullable turns OpenAPI 3.0 `nullable: true` into a 3.1 type list.
func rewriteNullable(v any) {
	switch x := v.(type) {
	case map[string]any:
		if n, ok := x["nullable"].(bool); ok {
			delete(x, "nullable")
			if n {
				switch ty := x["type"].(type) {
				case string:
					x["type"] = []any{ty, "null"}
				case []any:
					if !containsValue(ty, "null") {
						x["type"] = append(ty, "null")
					}
				}
				if enum, ok := x["enum"].([]any); ok && !containsValue(enum, nil) {
					x["enum"] = append(enum, nil)
				}
			}
		}
		for _, c := range x {
			rewriteNullable(c)
		}
	case []any:
		for _, c := range x {
			rewriteNullable(c)
		}
	}
}

func containsValue(list []any, v any) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// specs are the two loaded documents, shared by the tests of this package.
type specs struct {
	checkout, disputes *openapi3.T
	webhooks           *openapi3.T
}

var (
	specsOnce sync.Once
	specsVal  *specs
	specsErr  error
)

// loadSpecs loads the oracle documents once, or skips when they are absent.
func loadSpecs(t *testing.T) *specs {
	t.Helper()
	dir := filepath.Join(oraclesDir(t), "adyen")
	specsOnce.Do(func() {
		s := &specs{}
		if s.checkout, specsErr = loadSpec(filepath.Join(dir, "CheckoutService-v71.json"), false); specsErr != nil {
			return
		}
		if s.disputes, specsErr = loadSpec(filepath.Join(dir, "DisputeService-v30.json"), true); specsErr != nil {
			return
		}
		if s.webhooks, specsErr = loadSpec(filepath.Join(dir, "Webhooks-v1.json"), false); specsErr != nil {
			return
		}
		specsVal = s
	})
	if specsErr != nil {
		t.Fatalf("load Adyen OpenAPI documents: %v", specsErr)
	}
	return specsVal
}

// validator routes requests to the Checkout v71 or Disputes v30 document.
type validator struct {
	checkout, disputes routers.Router
	apiKey             string
}

// newValidator makes routers whose servers are the fake's URLs: Checkout
// under base+"/v71", Disputes under base+DisputesPath.
func newValidator(t *testing.T, s *specs, base, apiKey string) *validator {
	t.Helper()
	route := func(doc *openapi3.T, server string) routers.Router {
		d := *doc
		d.Servers = openapi3.Servers{{URL: server}}
		r, err := gorillamux.NewRouter(&d)
		if err != nil {
			t.Fatalf("router for %s: %v", server, err)
		}
		return r
	}
	return &validator{
		checkout: route(s.checkout, base+"/v71"),
		disputes: route(s.disputes, base+DisputesPath),
		apiKey:   apiKey,
	}
}

func (v *validator) options() *openapi3filter.Options {
	o := &openapi3filter.Options{
		MultiError:            true,
		IncludeResponseStatus: true,
		AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			if in.SecuritySchemeName != "ApiKeyAuth" {
				return fmt.Errorf("only X-API-Key authentication is used")
			}
			if got := in.RequestValidationInput.Request.Header.Get("X-API-Key"); got != v.apiKey {
				return fmt.Errorf("X-API-Key header missing or wrong")
			}
			return nil
		},
	}
	// Report the failing value's JSON pointer and the reason, not the whole schema.
	o.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		return fmt.Sprintf("%s (at /%s)", err.Reason, strings.Join(err.JSONPointer(), "/"))
	})
	return o
}

// validateRequest checks one request against the document its path belongs
// to. It returns the validation input for validateResponse.
func (v *validator) validateRequest(r *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	router := v.checkout
	if strings.HasPrefix(r.URL.Path, DisputesPath+"/") {
		router = v.disputes
	}
	route, params, err := router.FindRoute(r)
	if err != nil {
		return nil, fmt.Errorf("%s %s is not an operation of the spec: %w", r.Method, r.URL.Path, err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: v.options()}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return nil, fmt.Errorf("%s %s (%s): %w", r.Method, r.URL.Path, route.Operation.OperationID, err)
	}
	if r.Method == http.MethodPost {
		if r.Header.Get("Idempotency-Key") == "" {
			return nil, errors.New("POST without Idempotency-Key")
		}
		if len(r.Header.Get("Idempotency-Key")) > 64 {
			return nil, errors.New("Idempotency-Key longer than Adyen's 64 characters")
		}
	}
	return in, nil
}

// validateResponse checks the fake's own answer against the response schema.
func (v *validator) validateResponse(in *openapi3filter.RequestValidationInput, status int, body []byte) error {
	h := http.Header{}
	if len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), Options: in.Options,
	})
}

// exchange is one request the fake received.
type exchange struct {
	method, path, operation string
	body                    map[string]any
	idempotencyKey          string
}

// answer is the fake's reply for one operation.
type answer func(ex exchange, params map[string]string) (status int, body any)

// fakeAdyen is an httptest server speaking Checkout v71 and Disputes v30.
type fakeAdyen struct {
	t   *testing.T
	srv *httptest.Server
	val *validator

	mu        sync.Mutex
	exchanges []exchange
	answers   map[string]answer // by operationId; defaults otherwise
}

func newFakeAdyen(t *testing.T, s *specs) *fakeAdyen {
	t.Helper()
	f := &fakeAdyen{t: t, answers: map[string]answer{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	f.val = newValidator(t, s, f.srv.URL, testAPIKey)
	return f
}

func (f *fakeAdyen) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	in, err := f.val.validateRequest(r, body)
	if err != nil {
		f.t.Errorf("request fails Adyen's spec: %v\nbody: %s", err, body)
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write([]byte(`{"status":422,"errorCode":"702","message":"fails the spec","errorType":"validation"}`))
		return
	}
	ex := exchange{method: r.Method, path: r.URL.Path, operation: in.Route.Operation.OperationID, idempotencyKey: r.Header.Get("Idempotency-Key")}
	if len(body) > 0 {
		_ = json.Unmarshal(body, &ex.body)
	}
	f.mu.Lock()
	f.exchanges = append(f.exchanges, ex)
	ans := f.answers[ex.operation]
	f.mu.Unlock()
	if ans == nil {
		ans = defaultAnswer
	}
	status, out := ans(ex, in.PathParams)
	var raw []byte
	if out != nil {
		raw, _ = json.Marshal(out)
	}
	if err := f.val.validateResponse(in, status, raw); err != nil {
		f.t.Errorf("the fake's %s answer fails Adyen's response schema: %v\n%s", ex.operation, err, raw)
	}
	if len(raw) > 0 {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// take returns and clears the exchanges seen so far.
func (f *fakeAdyen) take() []exchange {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.exchanges
	f.exchanges = nil
	return out
}

func (f *fakeAdyen) answer(operation string, a answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[operation] = a
}

// defaultAnswer answers each operation in the shape its response schema
// defines, echoing what the request asked for.
func defaultAnswer(ex exchange, params map[string]string) (int, any) {
	b := ex.body
	switch ex.operation {
	case "post-payments":
		return http.StatusOK, paymentAnswer(b)
	case "post-payments-details":
		return http.StatusOK, map[string]any{"resultCode": "Authorised", "pspReference": "V4HZ4RBFJGXXGN82", "merchantReference": "order_1"}
	case "post-payments-paymentPspReference-captures", "post-payments-paymentPspReference-refunds",
		"post-payments-paymentPspReference-amountUpdates", "post-payments-paymentPspReference-cancels",
		"post-payments-paymentPspReference-reversals":
		out := map[string]any{
			"merchantAccount": b["merchantAccount"], "paymentPspReference": params["paymentPspReference"],
			"pspReference": "MOD" + strings.ToUpper(ex.operation[len(ex.operation)-4:]), "status": "received",
		}
		for _, k := range []string{"amount", "reference", "merchantRefundReason"} {
			if v, ok := b[k]; ok {
				out[k] = v
			}
		}
		return http.StatusCreated, out
	case "delete-storedPaymentMethods-storedPaymentMethodId":
		return http.StatusNoContent, nil
	case "post-retrieveApplicableDefenseReasons":
		return http.StatusOK, map[string]any{
			"disputeServiceResult": map[string]any{"success": true},
			"defenseReasons": []any{
				map[string]any{"defenseReasonCode": "GoodsWereAsDescribed", "satisfied": false, "defenseDocumentTypes": []any{
					map[string]any{"defenseDocumentTypeCode": "GoodsWereAsDescribed", "requirementLevel": "Required", "available": false},
					map[string]any{"defenseDocumentTypeCode": "TIDorInvoice", "requirementLevel": "Required", "available": false},
				}},
				map[string]any{"defenseReasonCode": "SupplyDefenseMaterial", "satisfied": false, "defenseDocumentTypes": []any{
					map[string]any{"defenseDocumentTypeCode": "DefenseMaterial", "requirementLevel": "Optional", "available": false},
				}},
			},
		}
	case "post-acceptDispute", "post-defendDispute", "post-supplyDefenseDocument":
		return http.StatusOK, map[string]any{"disputeServiceResult": map[string]any{"success": true}}
	}
	return http.StatusNotImplemented, nil
}

// paymentAnswer answers /payments by payment method, as Adyen's test
// platform does: cards authorise, redirect methods redirect, BLIK awaits the
// shopper's confirmation, stored payment methods come back tokenized.
func paymentAnswer(b map[string]any) map[string]any {
	pm, _ := b["paymentMethod"].(map[string]any)
	typ, _ := pm["type"].(string)
	out := map[string]any{"pspReference": "PSP" + fmt.Sprint(len(fmt.Sprint(b))), "merchantReference": b["reference"]}
	switch typ {
	case "scheme", "applepay", "googlepay", "sepadirectdebit", "ach", "directdebit_GB":
		out["resultCode"] = "Authorised"
		out["amount"] = b["amount"]
		ad := map[string]any{"networkTxReference": "NTX123456789", "refusalReasonRaw": "AUTHORISED"}
		if b["storePaymentMethod"] == true {
			ad["tokenization.storedPaymentMethodId"] = "M5N7TQ4TG5PFWR50"
			ad["tokenization.shopperReference"] = b["shopperReference"]
			ad["tokenization.store.operationType"] = "created"
		}
		out["additionalData"] = ad
	case "blik":
		out["resultCode"] = "Pending"
		out["action"] = map[string]any{"type": "await", "paymentMethodType": "blik", "url": "https://checkoutshopper-test.adyen.com/await"}
	default:
		out["resultCode"] = "RedirectShopper"
		out["action"] = map[string]any{"type": "redirect", "method": "GET", "paymentMethodType": typ,
			"url": "https://checkoutshopper-test.adyen.com/checkoutshopper/checkoutPaymentRedirect?redirectData=X6Xtf"}
	}
	return out
}
