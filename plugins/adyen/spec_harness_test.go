//go:build !wasip1

package adyen

// A fake Adyen that validates every request against Adyen's published
// OpenAPI documents (../shared/oracles/adyen) with kin-openapi, and answers
// with bodies that are themselves validated against the response schemas.

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/connectorhost/connector-host/internal/specfake"
)

// specs are the loaded documents, shared by the tests of this package.
type specs struct {
	checkout, disputes *openapi3.T
	payouts, transfers *openapi3.T
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
	dir := filepath.Join(specfake.OraclesDir(t), "adyen")
	specsOnce.Do(func() {
		s := &specs{}
		if s.checkout, specsErr = specfake.Load(filepath.Join(dir, "CheckoutService-v71.json"), specfake.LoadOptions{}); specsErr != nil {
			return
		}
		if s.disputes, specsErr = specfake.Load(filepath.Join(dir, "DisputeService-v30.json"), specfake.LoadOptions{CloseObjects: true}); specsErr != nil {
			return
		}
		if s.webhooks, specsErr = specfake.Load(filepath.Join(dir, "Webhooks-v1.json"), specfake.LoadOptions{}); specsErr != nil {
			return
		}
		if s.payouts, specsErr = specfake.Load(filepath.Join(dir, "PayoutService-v68.json"), specfake.LoadOptions{}); specsErr != nil {
			return
		}
		if s.transfers, specsErr = specfake.Load(filepath.Join(dir, "TransferService-v4.json"), specfake.LoadOptions{}); specsErr != nil {
			return
		}
		specsVal = s
	})
	if specsErr != nil {
		t.Fatalf("load Adyen OpenAPI documents: %v", specsErr)
	}
	return specsVal
}

// validator checks requests offline against Checkout v71 (under
// base+"/v71"), Disputes v30 (under base+DisputesPath), Payout v68 (under
// base+payoutPath) and Transfers v4 (under base+transfersPath).
type validator struct{ *specfake.Validator }

// harnessOptions are the fake's rules: the two documents, X-API-Key
// authentication with apiKey, and an Idempotency-Key of at most 64
// characters on every POST (Adyen's limit, which the documents do not state).
func harnessOptions(s *specs, apiKey string) specfake.Options {
	return specfake.Options{
		Mounts: []specfake.Mount{{Prefix: "/v71", Doc: s.checkout}, {Prefix: DisputesPath, Doc: s.disputes},
			{Prefix: payoutPath, Doc: s.payouts}, {Prefix: transfersPath, Doc: s.transfers}},
		Authenticate: specfake.HeaderAuth(apiKey, "ApiKeyAuth"),
		Check: func(ex specfake.Exchange) error {
			if ex.Method != http.MethodPost {
				return nil
			}
			switch key := ex.Header.Get("Idempotency-Key"); {
			case key == "":
				return errors.New("POST without Idempotency-Key")
			case len(key) > 64:
				return errors.New("Idempotency-Key longer than Adyen's 64 characters")
			}
			return nil
		},
	}
}

func newValidator(t *testing.T, s *specs, base, apiKey string) *validator {
	t.Helper()
	return &validator{specfake.NewValidator(t, base, harnessOptions(s, apiKey))}
}

// validateRequest checks one request; it returns the validation input for
// validateResponse.
func (v *validator) validateRequest(r *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	_, in, err := v.ValidateRequest(r, body)
	return in, err
}

// validateResponse checks an answer against the response schema.
func (v *validator) validateResponse(in *openapi3filter.RequestValidationInput, status int, body []byte) error {
	return v.ValidateResponse(in, status, body)
}

// exchange is one request the fake received.
type exchange struct {
	method, path, operation string
	body                    map[string]any
	idempotencyKey          string
}

// answer is the fake's reply for one operation.
type answer func(ex exchange, params map[string]string) (status int, body any)

// fakeAdyen is the spec-validating fake (internal/specfake) speaking
// Checkout v71 and Disputes v30 with Adyen's documented default answers.
type fakeAdyen struct{ *specfake.Server }

func newFakeAdyen(t *testing.T, s *specs) *fakeAdyen {
	t.Helper()
	opts := harnessOptions(s, testAPIKey)
	opts.Default = func(ex specfake.Exchange) (int, any) { return defaultAnswer(toExchange(ex), ex.PathParams) }
	return &fakeAdyen{Server: specfake.New(t, opts)}
}

func toExchange(ex specfake.Exchange) exchange {
	return exchange{method: ex.Method, path: ex.Path, operation: ex.Operation, body: ex.Body, idempotencyKey: ex.Header.Get("Idempotency-Key")}
}

// take returns and clears the exchanges seen so far.
func (f *fakeAdyen) take() []exchange {
	var out []exchange
	for _, ex := range f.Take() {
		out = append(out, toExchange(ex))
	}
	return out
}

func (f *fakeAdyen) answer(operation string, a answer) {
	if a == nil {
		f.Answer(operation, nil)
		return
	}
	f.Answer(operation, func(ex specfake.Exchange) (int, any) { return a(toExchange(ex), ex.PathParams) })
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
	case "post-storeDetailAndSubmitThirdParty", "post-submitThirdParty":
		return http.StatusOK, map[string]any{"pspReference": "8815131762537886", "resultCode": "[payout-submit-received]"}
	case "post-storeDetail":
		return http.StatusOK, map[string]any{"pspReference": "8515131751004933", "recurringDetailReference": "8415718415172200", "resultCode": "Success"}
	case "post-declineThirdParty":
		return http.StatusOK, map[string]any{"pspReference": "8815131763010938", "response": "[payout-decline-received]"}
	case "post-transfers":
		return http.StatusOK, map[string]any{"id": "1W1UG35U8A9J5ZLG", "amount": b["amount"], "category": b["category"],
			"counterparty": b["counterparty"], "reference": b["reference"], "status": "authorised", "direction": "outgoing"}
	case "get-transfers-id":
		return http.StatusOK, map[string]any{"id": params["id"], "amount": map[string]any{"currency": "EUR", "value": 80000}, "category": "bank",
			"counterparty": map[string]any{"transferInstrumentId": "SE3227C223222C5GXR3M5592Q"}, "status": "credited", "direction": "outgoing"}
	case "post-transfers-cancel":
		return http.StatusOK, map[string]any{} // "No Content": the spec's example is {}
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
