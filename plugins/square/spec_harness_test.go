package square

// The fake Square: internal/specfake serving Square's published OpenAPI
// document (../shared/oracles/square/api.json) with every object schema
// closed (an unknown request field is a violation), plus the rules the
// document states outside its schemas: the Square-Version header (its
// x-fern-global-headers), a Bearer access token (its oauth2 scheme) and an
// idempotency_key wherever the request schema has one.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/connectorhost/connector-host/internal/specfake"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Test credentials the fake accepts.
const (
	testAccessToken = "EAAAl_test_square_access_token_1"
	testLocation    = "L88917AVBK2S5"
	testWebhookKey  = "whsk_test_square_signature_key_1"
	testWebhookURL  = "https://merchant.example/webhooks/square"
)

func testCredentials() map[string]string {
	return map[string]string{credAccessToken: testAccessToken, credLocationID: testLocation,
		credWebhookKey: testWebhookKey, credWebhookURL: testWebhookURL}
}

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specErr  error
)

// loadSquareSpec loads api.json once per test binary, with two repairs made
// to an in-memory copy (the file is never edited):
//
//   - the file refers to #/components/schemas/CatalogModifierToggleOverrideType
//     without defining it (see the oracles README): the schema is added with
//     the values its property descriptions name;
//   - RiskEvaluation requires a "status" it has no property for, so the
//     spec's own Payment examples (risk_evaluation {created_at, risk_level})
//     fail it: required names that are not properties are dropped.
func loadSquareSpec(t testing.TB) *openapi3.T {
	t.Helper()
	dir := specfake.OraclesDir(t)
	specOnce.Do(func() {
		raw, err := os.ReadFile(filepath.Join(dir, "square", "api.json"))
		if err != nil {
			specErr = err
			return
		}
		var doc map[string]any
		if specErr = json.Unmarshal(raw, &doc); specErr != nil {
			return
		}
		schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
		if _, ok := schemas["CatalogModifierToggleOverrideType"]; !ok {
			schemas["CatalogModifierToggleOverrideType"] = map[string]any{"type": "string", "enum": []any{"NOT_SET", "YES", "NO"}}
		}
		if re, ok := schemas["RiskEvaluation"].(map[string]any); ok {
			props, _ := re["properties"].(map[string]any)
			var keep []any
			for _, r := range re["required"].([]any) {
				if _, ok := props[r.(string)]; ok {
					keep = append(keep, r)
				}
			}
			re["required"] = keep
			if len(keep) == 0 {
				delete(re, "required")
			}
		}
		fixed, err := json.Marshal(doc)
		if err != nil {
			specErr = err
			return
		}
		tmp, err := os.MkdirTemp("", "square-spec")
		if err != nil {
			specErr = err
			return
		}
		defer os.RemoveAll(tmp)
		path := filepath.Join(tmp, "api.json")
		if specErr = os.WriteFile(path, fixed, 0o600); specErr != nil {
			return
		}
		specDoc, specErr = specfake.Load(path, specfake.LoadOptions{CloseObjects: true})
	})
	if specErr != nil {
		t.Fatalf("load Square's spec: %v", specErr)
	}
	return specDoc
}

// bearerAuth accepts the oauth2 scheme when Authorization is "Bearer "+token.
func bearerAuth(token string) openapi3filter.AuthenticationFunc {
	return func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
		if in.SecuritySchemeName != "oauth2" {
			return fmt.Errorf("security scheme %q is not the one this connector uses", in.SecuritySchemeName)
		}
		if in.RequestValidationInput.Request.Header.Get("Authorization") != "Bearer "+token {
			return fmt.Errorf("authorization: Bearer access token missing or wrong")
		}
		return nil
	}
}

// squareRules checks what Square requires outside its schemas.
func squareRules(doc *openapi3.T) func(ex specfake.Exchange) error {
	return func(ex specfake.Exchange) error {
		if v := ex.Header.Get("Square-Version"); v != APIVersion {
			return fmt.Errorf("Square-Version header is %q, want %q", v, APIVersion)
		}
		if ex.Method != http.MethodPost || !takesIdempotencyKey(doc, ex) {
			return nil
		}
		if k, _ := ex.Body["idempotency_key"].(string); k == "" {
			return fmt.Errorf("%s takes an idempotency_key and the body has none", ex.Operation)
		}
		return nil
	}
}

// takesIdempotencyKey reports whether the operation's request schema has idempotency_key.
func takesIdempotencyKey(doc *openapi3.T, ex specfake.Exchange) bool {
	for _, item := range doc.Paths.Map() {
		op := item.Post
		if op == nil || op.OperationID != ex.Operation || op.RequestBody == nil || op.RequestBody.Value == nil {
			continue
		}
		mt := op.RequestBody.Value.Content.Get("application/json")
		if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
			return false
		}
		_, ok := mt.Schema.Value.Properties["idempotency_key"]
		return ok
	}
	return false
}

// fakeSquare is the spec-validating fake with a small memory of the objects
// it created, so a flow's later steps see what earlier ones made.
type fakeSquare struct {
	*specfake.Server
	mu        sync.Mutex
	payments  map[string]map[string]any
	refunds   map[string]map[string]any
	customers map[string]bool
}

// newFakeSquare starts the fake; it skips the test when ../shared/oracles is absent.
func newFakeSquare(t *testing.T) *fakeSquare {
	t.Helper()
	doc := loadSquareSpec(t)
	f := &fakeSquare{payments: map[string]map[string]any{}, refunds: map[string]map[string]any{}, customers: map[string]bool{}}
	f.Server = specfake.New(t, specfake.Options{
		Mounts:       []specfake.Mount{{Doc: doc}},
		Authenticate: bearerAuth(testAccessToken),
		Check:        squareRules(doc),
		Default:      f.answer,
	})
	return f
}

// objectID derives a deterministic Square-like id from an idempotency key.
func objectID(prefix, key string) string {
	return prefix + strings.ToUpper(sig.SHA256Hex([]byte(key))[:20])
}

func squareErr(status int, category, code, detail string) (int, any) {
	return status, map[string]any{"errors": []any{map[string]any{"category": category, "code": code, "detail": detail}}}
}

// answer is the documented answer to each operation this connector calls.
func (f *fakeSquare) answer(ex specfake.Exchange) (int, any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := ex.Body
	now := "2026-01-02T03:04:05.000Z"
	switch ex.Operation {
	case "CreatePayment":
		status, card := "COMPLETED", "CAPTURED"
		if b["autocomplete"] == false {
			status, card = "APPROVED", "AUTHORIZED"
		}
		p := map[string]any{
			"id": objectID("PAY", b["idempotency_key"].(string)), "status": status, "source_type": "CARD",
			"amount_money": b["amount_money"], "total_money": b["amount_money"], "approved_money": b["amount_money"],
			"card_details": map[string]any{"status": card, "entry_method": "KEYED", "card": map[string]any{
				"card_brand": "VISA", "last_4": "1111", "exp_month": 11, "exp_year": 2030}},
			"location_id": testLocation, "created_at": now, "updated_at": now,
		}
		for _, k := range []string{"reference_id", "customer_id", "note"} {
			if v, ok := b[k]; ok {
				p[k] = v
			}
		}
		f.payments[p["id"].(string)] = p
		return 200, map[string]any{"payment": p}
	case "CompletePayment", "CancelPayment", "GetPayment":
		p, ok := f.payments[ex.PathParams["payment_id"]]
		if !ok {
			return squareErr(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", "Could not find payment")
		}
		switch ex.Operation {
		case "CompletePayment":
			p["status"] = "COMPLETED"
			p["card_details"].(map[string]any)["status"] = "CAPTURED"
		case "CancelPayment":
			p["status"] = "CANCELED"
			p["card_details"].(map[string]any)["status"] = "VOIDED"
		}
		return 200, map[string]any{"payment": p}
	case "RefundPayment":
		pid, _ := b["payment_id"].(string)
		p, ok := f.payments[pid]
		if !ok {
			return squareErr(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", "Could not find payment")
		}
		r := map[string]any{"id": pid + "_" + objectID("R", b["idempotency_key"].(string)), "status": "PENDING",
			"amount_money": b["amount_money"], "payment_id": pid, "location_id": testLocation, "created_at": now, "updated_at": now}
		if v, ok := b["reason"]; ok {
			r["reason"] = v
		}
		f.refunds[r["id"].(string)] = r
		p["refunded_money"] = b["amount_money"]
		p["refund_ids"] = []any{r["id"]}
		return 200, map[string]any{"refund": r}
	case "GetPaymentRefund":
		r, ok := f.refunds[ex.PathParams["refund_id"]]
		if !ok {
			return squareErr(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", "Could not find refund")
		}
		r["status"] = "COMPLETED"
		return 200, map[string]any{"refund": r}
	case "CreateCustomer":
		c := map[string]any{"id": objectID("CUST", b["idempotency_key"].(string)), "created_at": now, "updated_at": now, "creation_source": "THIRD_PARTY"}
		for _, k := range []string{"given_name", "family_name", "email_address", "phone_number", "reference_id", "note", "address"} {
			if v, ok := b[k]; ok {
				c[k] = v
			}
		}
		f.customers[c["id"].(string)] = true
		return 200, map[string]any{"customer": c}
	case "CreateCard":
		card, _ := b["card"].(map[string]any)
		cust, _ := card["customer_id"].(string)
		if !f.customers[cust] {
			return squareErr(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", "customer not found")
		}
		c := map[string]any{"id": "ccof:" + objectID("", b["idempotency_key"].(string)), "customer_id": cust, "card_brand": "VISA",
			"last_4": "1111", "exp_month": 11, "exp_year": 2030, "enabled": true, "card_type": "CREDIT", "prepaid_type": "NOT_PREPAID", "version": 1}
		for _, k := range []string{"cardholder_name", "billing_address", "reference_id"} {
			if v, ok := card[k]; ok {
				c[k] = v
			}
		}
		return 200, map[string]any{"card": c}
	case "RetrieveDispute", "AcceptDispute", "SubmitEvidence":
		state := map[string]string{"RetrieveDispute": "EVIDENCE_REQUIRED", "AcceptDispute": "ACCEPTED", "SubmitEvidence": "PROCESSING"}[ex.Operation]
		return 200, map[string]any{"dispute": map[string]any{
			"id": ex.PathParams["dispute_id"], "amount_money": map[string]any{"amount": 2500, "currency": "USD"}, "reason": "NO_KNOWLEDGE",
			"state": state, "due_at": "2026-01-16T00:00:00.000Z", "disputed_payment": map[string]any{"payment_id": "zhyh1ch64kRBrrlfVhwjCEjZWzNZY"},
			"card_brand": "VISA", "created_at": now, "updated_at": now, "version": 2, "location_id": testLocation}}
	case "CreateDisputeEvidenceText":
		return 200, map[string]any{"evidence": map[string]any{"id": objectID("EV", b["idempotency_key"].(string)),
			"dispute_id": ex.PathParams["dispute_id"], "evidence_type": b["evidence_type"], "evidence_text": b["evidence_text"], "uploaded_at": now}}
	}
	return 501, nil
}
