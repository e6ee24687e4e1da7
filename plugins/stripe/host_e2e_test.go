//go:build !wasip1

package stripe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/stripe/stripe-go/v84/webhook"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
	"github.com/connectorhost/connector-host/plugins/stripe"
)

// These tests run the Stripe plugin as an operator does: built to .wasm,
// loaded by a real host (host/app) from its plugin directory, pointed with
// the connector's base URL at stripe-mock, and called through the unified
// API's generated Connect clients (and once over plain HTTP-JSON, as the
// root README's curl example does). A recording reverse proxy between the
// host and stripe-mock sees every exchange: stripe-mock answers 400 to any
// request that breaks Stripe's OpenAPI spec, and none may get one.
//
// stripe-mock answers fixtures and keeps no state: every PaymentIntent it
// returns is requires_payment_method with a placeholder last_payment_error
// ({"type":"idempotency_error"}), so a payment comes back
// AUTHORIZATION_FAILED; every dispute is warning_needs_response. The tests
// therefore check that each unified status is the README's mapping of the
// object Stripe's answer carried, not that payments succeed.

const (
	hostAPIKey        = "sk_test_123"
	hostWebhookSecret = "whsec_host_e2e_secret"
	hostCard          = "4000056655665556"
	hostReturnURL     = "https://merchant.example/return"
	// missingIntent is the PaymentIntent the recording proxy answers 404 for,
	// as Stripe does for an unknown id (stripe-mock answers every id).
	missingIntent = "pi_host_e2e_missing"
)

var (
	apiKeyAuth  = fmt.Sprintf(`{"api_key":%q}`, hostAPIKey)
	webhookAuth = fmt.Sprintf(`{"api_key":%q,"webhook_secret":%q}`, hostAPIKey, hostWebhookSecret)
)

// Stripe status → unified status, from the README's tables, for objects
// without an error and with nothing captured (intentStatus and setupStatus
// add the error rules).
var (
	intentStatuses = map[string]v1.PaymentStatus{
		"requires_payment_method": v1.PaymentStatus_PAYMENT_STATUS_STARTED,
		"requires_confirmation":   v1.PaymentStatus_PAYMENT_STATUS_STARTED,
		"processing":              v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"requires_capture":        v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		"canceled":                v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"succeeded":               v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
	}
	refundStatuses = map[string]v1.RefundStatus{
		"pending":         v1.RefundStatus_REFUND_STATUS_PENDING,
		"requires_action": v1.RefundStatus_REFUND_STATUS_ACTION_REQUIRED,
		"succeeded":       v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"failed":          v1.RefundStatus_REFUND_STATUS_FAILED,
		"canceled":        v1.RefundStatus_REFUND_STATUS_CANCELED,
	}
	setupStatuses = map[string]v1.MandateStatus{
		"succeeded":               v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		"requires_action":         v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED,
		"requires_payment_method": v1.MandateStatus_MANDATE_STATUS_PENDING,
		"requires_confirmation":   v1.MandateStatus_MANDATE_STATUS_PENDING,
		"processing":              v1.MandateStatus_MANDATE_STATUS_PENDING,
		"canceled":                v1.MandateStatus_MANDATE_STATUS_FAILED,
	}
	payoutStatuses = map[string]v1.PayoutStatus{
		"pending":    v1.PayoutStatus_PAYOUT_STATUS_PENDING,
		"in_transit": v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT,
		"paid":       v1.PayoutStatus_PAYOUT_STATUS_PAID,
		"failed":     v1.PayoutStatus_PAYOUT_STATUS_FAILED,
		"canceled":   v1.PayoutStatus_PAYOUT_STATUS_CANCELED,
	}
	disputeStatuses = map[string]v1.DisputeStatus{
		"warning_needs_response": v1.DisputeStatus_DISPUTE_STATUS_INQUIRY,
		"warning_under_review":   v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"warning_closed":         v1.DisputeStatus_DISPUTE_STATUS_WARNING_CLOSED,
		"needs_response":         v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
		"under_review":           v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"won":                    v1.DisputeStatus_DISPUTE_STATUS_WON,
		"lost":                   v1.DisputeStatus_DISPUTE_STATUS_LOST,
		"prevented":              v1.DisputeStatus_DISPUTE_STATUS_CLOSED,
		"charge_refunded":        v1.DisputeStatus_DISPUTE_STATUS_CLOSED,
	}
)

// TestHostEndToEnd runs every flow the plugin declares through the host's
// Connect API, in the order a merchant would: payments are authorized, then
// captured, voided, refunded and read by the ids the host returned.
func TestHostEndToEnd(t *testing.T) {
	env := stripeHost(t)
	env.noRejections(t)
	c := env.clients()

	t.Run("connector", func(t *testing.T) {
		info := invoke(t, env, c.connectors.GetConnector, &v1.ConnectorServiceGetConnectorRequest{Name: "stripe"}).GetConnector()
		if info.GetLoadState() != v1.ConnectorLoadState_CONNECTOR_LOAD_STATE_READY || info.GetBaseUrl() != env.proxyURL ||
			info.GetManifest().GetApiVersion() != stripe.APIVersion {
			t.Errorf("connector = %v, want ready at %s", info, env.proxyURL)
		}
	})

	var card, manual, threeDS, toVoid, ideal string // PaymentIntents the steps below act on
	t.Run("authorize card automatic", func(t *testing.T) {
		mark := env.rec.mark()
		req := authorizeRequest("host_card", 1000)
		res := invoke(t, env, c.payments.Authorize, req)
		x := env.expect(t, mark, "POST /v1/payment_intents")[0]
		wantForm(t, x, map[string]string{"amount": "1000", "currency": "usd", "confirm": "true", "capture_method": "automatic",
			"payment_method_data[type]": "card", "payment_method_data[card][number]": hostCard, "metadata[merchant_transaction_id]": "host_card"})
		wantIdempotencyKey(t, x, "host_card")
		card = checkPayment(t, x, res)
		if res.GetMerchantTransactionId() != "host_card" || res.GetConnectorHttpStatus() != 200 || !proto.Equal(res.GetAmount(), usd(1000)) {
			t.Errorf("authorize = %v", res)
		}
	})
	t.Run("authorize pm token manual", func(t *testing.T) {
		mark := env.rec.mark()
		req := authorizeRequest("host_manual", 1000)
		req.PaymentMethod = tokenMethod("pm_card_visa")
		req.CaptureMethod = v1.CaptureMethod_CAPTURE_METHOD_MANUAL
		req.RequestIncrementalAuthorization = true
		res := invoke(t, env, c.payments.Authorize, req)
		x := env.expect(t, mark, "POST /v1/payment_intents")[0]
		wantForm(t, x, map[string]string{"payment_method": "pm_card_visa", "capture_method": "manual",
			"automatic_payment_methods[allow_redirects]": "never", "payment_method_data[type]": "",
			"payment_method_options[card][request_incremental_authorization]": "if_available"})
		manual = checkPayment(t, x, res)
	})
	t.Run("authorize card 3ds return_url", func(t *testing.T) {
		mark := env.rec.mark()
		req := authorizeRequest("host_3ds", 1000)
		req.CaptureMethod = v1.CaptureMethod_CAPTURE_METHOD_MANUAL
		req.AuthenticationType = v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS
		req.ReturnUrl = hostReturnURL
		res := invoke(t, env, c.payments.Authorize, req)
		x := env.expect(t, mark, "POST /v1/payment_intents")[0]
		wantForm(t, x, map[string]string{"payment_method_options[card][request_three_d_secure]": "any", "return_url": hostReturnURL, "capture_method": "manual"})
		threeDS = checkPayment(t, x, res)
	})
	t.Run("authorize pm token manual for void", func(t *testing.T) {
		mark := env.rec.mark()
		req := authorizeRequest("host_void", 2500)
		req.PaymentMethod = tokenMethod("pm_card_visa")
		req.CaptureMethod = v1.CaptureMethod_CAPTURE_METHOD_MANUAL
		res := invoke(t, env, c.payments.Authorize, req)
		toVoid = checkPayment(t, env.expect(t, mark, "POST /v1/payment_intents")[0], res)
	})
	t.Run("authorize ideal", func(t *testing.T) {
		mark := env.rec.mark()
		req := authorizeRequest("host_ideal", 1000)
		req.Amount.Currency = "EUR"
		req.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL, Issuer: "ING"}}}
		req.ReturnUrl = hostReturnURL
		req.BillingAddress = &v1.Address{FirstName: "Jo", LastName: "Doe", Email: "jo@example.com", Country: "NL"}
		res := invoke(t, env, c.payments.Authorize, req)
		x := env.expect(t, mark, "POST /v1/payment_intents")[0]
		wantForm(t, x, map[string]string{"payment_method_data[type]": "ideal", "payment_method_data[ideal][bank]": "ing",
			"payment_method_types[]": "ideal", "return_url": hostReturnURL, "currency": "eur"})
		ideal = checkPayment(t, x, res)
	})

	t.Run("incremental authorization", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.payments.IncrementalAuthorization, &v1.PaymentServiceIncrementalAuthorizationRequest{
			ConnectorTransactionId: manual, Amount: usd(1500), MerchantIncrementId: "host_inc", Reason: "minibar"})
		x := env.expect(t, mark, "POST /v1/payment_intents/"+manual+"/increment_authorization")[0]
		wantForm(t, x, map[string]string{"amount": "1500"})
		wantIdempotencyKey(t, x, "increment:host_inc")
		checkPayment(t, x, res)
		if !proto.Equal(res.GetAmount(), usd(1500)) {
			t.Errorf("amount = %v", res.GetAmount())
		}
	})
	t.Run("capture partial", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.payments.Capture, &v1.PaymentServiceCaptureRequest{
			ConnectorTransactionId: manual, AmountToCapture: usd(600), PaymentAmount: usd(1500), MerchantCaptureId: "host_cap_partial"})
		x := env.expect(t, mark, "POST /v1/payment_intents/"+manual+"/capture")[0]
		wantForm(t, x, map[string]string{"amount_to_capture": "600", "metadata[merchant_capture_id]": "host_cap_partial"})
		wantIdempotencyKey(t, x, "capture:host_cap_partial")
		checkPayment(t, x, res)
		if res.GetMerchantCaptureId() != "host_cap_partial" {
			t.Errorf("capture = %v", res)
		}
	})
	t.Run("capture full", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.payments.Capture, &v1.PaymentServiceCaptureRequest{
			ConnectorTransactionId: threeDS, AmountToCapture: usd(1000), PaymentAmount: usd(1000), MerchantCaptureId: "host_cap_full"})
		x := env.expect(t, mark, "POST /v1/payment_intents/"+threeDS+"/capture")[0]
		wantForm(t, x, map[string]string{"amount_to_capture": "1000"})
		checkPayment(t, x, res)
	})
	t.Run("void with reason", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.payments.Void, &v1.PaymentServiceVoidRequest{
			ConnectorTransactionId: toVoid, MerchantVoidId: "host_void_1", CancellationReason: "requested_by_customer"})
		x := env.expect(t, mark, "POST /v1/payment_intents/"+toVoid+"/cancel")[0]
		wantForm(t, x, map[string]string{"cancellation_reason": "requested_by_customer"})
		wantIdempotencyKey(t, x, "void:host_void_1")
		checkPayment(t, x, res)
		if res.GetMerchantVoidId() != "host_void_1" {
			t.Errorf("void = %v", res)
		}
	})
	t.Run("get", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.payments.Get, &v1.PaymentServiceGetRequest{ConnectorTransactionId: manual})
		x := env.expect(t, mark, "GET /v1/payment_intents/"+manual)[0]
		if x.RawQuery != "expand%5B%5D=latest_charge" {
			t.Errorf("query = %s", x.RawQuery)
		}
		checkPayment(t, x, res)
	})
	t.Run("verify redirect response", func(t *testing.T) {
		// A GET at Stripe (a non-mutating flow): no idempotency key, and the
		// outcome comes from Stripe, not from redirect_status.
		mark := env.rec.mark()
		res := invoke(t, env, c.payments.VerifyRedirectResponse, &v1.PaymentServiceVerifyRedirectResponseRequest{
			Params: map[string]string{"payment_intent": ideal, "payment_intent_client_secret": ideal + "_secret_x", "redirect_status": "succeeded"}})
		x := env.expect(t, mark, "GET /v1/payment_intents/"+ideal)[0]
		checkPayment(t, x, res)
	})

	var refundID string
	for i, r := range []struct {
		name, id string
		pi       *string
		amount   int64
	}{
		{"refund partial", "host_refund_1", &card, 300},
		{"refund another partial", "host_refund_2", &card, 200},
		{"refund full", "host_refund_full", &threeDS, 1000},
	} {
		t.Run(r.name, func(t *testing.T) {
			mark := env.rec.mark()
			res := invoke(t, env, c.payments.Refund, &v1.PaymentServiceRefundRequest{
				ConnectorTransactionId: *r.pi, MerchantRefundId: r.id, RefundAmount: usd(r.amount), PaymentAmount: usd(1000),
				Reason: "requested_by_customer"})
			x := env.expect(t, mark, "POST /v1/refunds")[0]
			wantForm(t, x, map[string]string{"payment_intent": *r.pi, "amount": fmt.Sprint(r.amount), "reason": "requested_by_customer",
				"metadata[merchant_refund_id]": r.id})
			wantIdempotencyKey(t, x, "refund:"+r.id)
			wantMapped(t, x, byStatus(refundStatuses), res.GetStatus())
			if res.GetConnectorRefundId() == "" || res.GetConnectorRefundId() != x.Answer["id"] || res.GetMerchantRefundId() != r.id ||
				res.GetConnectorTransactionId() != *r.pi || !proto.Equal(res.GetRefundAmount(), usd(r.amount)) {
				t.Errorf("refund = %v", res)
			}
			if i == 0 {
				refundID = res.GetConnectorRefundId()
			}
		})
	}
	t.Run("refund get", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.refunds.Get, &v1.RefundServiceGetRequest{ConnectorRefundId: refundID})
		x := env.expect(t, mark, "GET /v1/refunds/"+refundID)[0]
		wantMapped(t, x, byStatus(refundStatuses), res.GetStatus())
		if res.GetConnectorRefundId() != refundID || res.GetRefundAmount() == nil {
			t.Errorf("refund = %v", res)
		}
	})
	t.Run("refund cancel", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.refunds.Cancel, &v1.RefundServiceCancelRequest{ConnectorRefundId: refundID, MerchantCancelId: "host_refund_cancel"})
		x := env.expect(t, mark, "POST /v1/refunds/"+refundID+"/cancel")[0]
		wantIdempotencyKey(t, x, "refund_cancel:host_refund_cancel")
		wantMapped(t, x, byStatus(refundStatuses), res.GetStatus())
		if res.GetConnectorRefundId() != refundID {
			t.Errorf("refund cancel = %v, Stripe answered %v", res, x.Answer)
		}
	})

	var customer string
	t.Run("create customer", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.customers.Create, &v1.CustomerServiceCreateRequest{
			Customer: &v1.Customer{Id: "m_host_1", Name: "Jo Doe", Email: "jo@example.com", Phone: "+15555550100"},
			Address:  &v1.Address{Line1: "1 Main St", City: "Springfield", PostalCode: "62701", Country: "US"},
		})
		x := env.expect(t, mark, "POST /v1/customers")[0]
		wantForm(t, x, map[string]string{"name": "Jo Doe", "email": "jo@example.com", "metadata[merchant_customer_id]": "m_host_1"})
		wantIdempotencyKey(t, x, "customer:m_host_1")
		customer = res.GetConnectorCustomerId()
		if !strings.HasPrefix(customer, "cus_") || customer != x.Answer["id"] {
			t.Errorf("customer = %v", res)
		}
	})
	t.Run("tokenize", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.methods.Tokenize, &v1.PaymentMethodServiceTokenizeRequest{PaymentMethod: cardMethod(), MerchantRequestId: "host_tok"})
		x := env.expect(t, mark, "POST /v1/payment_methods")[0]
		wantForm(t, x, map[string]string{"type": "card", "card[number]": hostCard})
		wantIdempotencyKey(t, x, "tokenize:host_tok")
		if !strings.HasPrefix(res.GetPaymentMethodToken(), "pm_") || len(res.GetCardLast4()) != 4 ||
			res.GetCardNetwork() == v1.CardNetwork_CARD_NETWORK_UNSPECIFIED {
			t.Errorf("tokenize = %v", res)
		}
	})
	t.Run("composite authorize creates the customer first", func(t *testing.T) {
		mark := env.rec.mark()
		auth := authorizeRequest("host_composite", 1000)
		auth.Customer = &v1.Customer{Id: "m_host_2", Name: "Ann Lee", Email: "ann@example.com"}
		res := invoke(t, env, c.composite.CompositeAuthorize, &v1.CompositePaymentServiceCompositeAuthorizeRequest{Authorize: auth, CreateCustomer: true})
		xs := env.expect(t, mark, "POST /v1/customers", "POST /v1/payment_intents")
		created := res.GetConnectorCustomerId()
		if !strings.HasPrefix(created, "cus_") || created != xs[0].Answer["id"] {
			t.Errorf("connector_customer_id = %q, Stripe created %v", created, xs[0].Answer["id"])
		}
		wantForm(t, xs[0], map[string]string{"name": "Ann Lee", "email": "ann@example.com"})
		wantIdempotencyKey(t, xs[0], "customer:cus_host_composite")
		wantForm(t, xs[1], map[string]string{"customer": created, "amount": "1000"})
		wantIdempotencyKey(t, xs[1], "host_composite")
		checkPayment(t, xs[1], res.GetAuthorize())
	})

	var mandate string
	t.Run("setup recurring", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.payments.SetupRecurring, &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "host_setup", PaymentMethod: tokenMethod("pm_card_visa"), Amount: &v1.Money{Currency: "USD"},
			Customer: &v1.Customer{Id: "m_host_1", ConnectorCustomerId: customer}})
		x := env.expect(t, mark, "POST /v1/setup_intents")[0]
		wantForm(t, x, map[string]string{"confirm": "true", "usage": "off_session", "payment_method": "pm_card_visa", "customer": customer})
		wantIdempotencyKey(t, x, "setup:host_setup")
		wantMapped(t, x, setupStatus, res.GetStatus())
		wantError(t, x, "last_setup_error", res.GetError())
		mandate = res.GetMandate().GetConnectorMandateId()
		if res.GetConnectorSetupId() != x.Answer["id"] || !strings.HasPrefix(mandate, "pm_") || res.GetMerchantSetupId() != "host_setup" {
			t.Errorf("setup = %v", res)
		}
	})
	t.Run("recurring charge", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.recurring.Charge, &v1.RecurringPaymentServiceChargeRequest{
			MerchantTransactionId: "host_mit", Amount: usd(1999),
			Mandate: &v1.MandateReference{ConnectorMandateId: mandate, ConnectorCustomerId: customer}})
		x := env.expect(t, mark, "POST /v1/payment_intents")[0]
		wantForm(t, x, map[string]string{"off_session": "true", "confirm": "true", "payment_method": mandate, "customer": customer, "amount": "1999"})
		wantIdempotencyKey(t, x, "host_mit")
		checkPayment(t, x, res)
		if res.GetMerchantTransactionId() != "host_mit" {
			t.Errorf("merchant_transaction_id = %q, want the request's (the host echoes it)", res.GetMerchantTransactionId())
		}
	})
	t.Run("recurring revoke", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.recurring.Revoke, &v1.RecurringPaymentServiceRevokeRequest{
			Mandate: &v1.MandateReference{ConnectorMandateId: mandate}, MerchantRevokeId: "host_revoke"})
		x := env.expect(t, mark, "POST /v1/payment_methods/"+mandate+"/detach")[0]
		wantIdempotencyKey(t, x, "revoke:host_revoke")
		if res.GetStatus() != v1.MandateStatus_MANDATE_STATUS_REVOKED || res.GetConnectorMandateId() != mandate {
			t.Errorf("revoke = %v", res)
		}
	})

	const dispute = "dp_host_e2e"
	t.Run("dispute get", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.disputes.Get, &v1.DisputeServiceGetRequest{ConnectorDisputeId: dispute})
		x := env.expect(t, mark, "GET /v1/disputes/"+dispute)[0]
		wantMapped(t, x, byStatus(disputeStatuses), res.GetStatus())
		if res.GetConnectorDisputeId() != dispute || res.GetAmount() == nil || len(res.GetDefenseReasons()) != 1 {
			t.Errorf("dispute = %v", res)
		}
	})
	t.Run("dispute submit evidence", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.disputes.SubmitEvidence, &v1.DisputeServiceSubmitEvidenceRequest{
			ConnectorDisputeId: dispute, MerchantRequestId: "host_ev",
			Evidence: []*v1.EvidenceDocument{
				{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, ConnectorFileId: "file_host_1"},
				{Type: v1.EvidenceType_EVIDENCE_TYPE_REFUND_POLICY, Text: "30 days"},
			}})
		x := env.expect(t, mark, "POST /v1/disputes/"+dispute)[0]
		wantForm(t, x, map[string]string{"submit": "false", "evidence[receipt]": "file_host_1", "evidence[refund_policy_disclosure]": "30 days"})
		wantIdempotencyKey(t, x, "dispute_evidence:host_ev")
		wantMapped(t, x, byStatus(disputeStatuses), res.GetStatus())
	})
	t.Run("dispute defend", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.disputes.Defend, &v1.DisputeServiceDefendRequest{
			ConnectorDisputeId: dispute, MerchantRequestId: "host_defend", DefenseReasonCode: "product_not_received",
			Evidence: []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, Text: "Delivered"}}})
		x := env.expect(t, mark, "POST /v1/disputes/"+dispute)[0]
		wantForm(t, x, map[string]string{"submit": "true"})
		wantIdempotencyKey(t, x, "dispute_defend:host_defend")
		wantMapped(t, x, byStatus(disputeStatuses), res.GetStatus())
	})
	t.Run("dispute accept", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.disputes.Accept, &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: dispute, MerchantRequestId: "host_accept"})
		x := env.expect(t, mark, "POST /v1/disputes/"+dispute+"/close")[0]
		wantIdempotencyKey(t, x, "dispute_accept:host_accept")
		if x.Answer["status"] == "lost" {
			if res.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED {
				t.Errorf("accepted dispute = %v", res.GetStatus())
			}
		} else {
			wantMapped(t, x, byStatus(disputeStatuses), res.GetStatus())
		}
	})

	payoutAuth := fmt.Sprintf(`{"api_key":%q,"account_id":"acct_host_e2e"}`, hostAPIKey)
	var recipient string
	t.Run("payout recipient (bank account token)", func(t *testing.T) {
		mark := env.rec.mark()
		res := invokeWith(t, env, payoutAuth, c.payouts.CreateRecipient, &v1.PayoutServiceCreateRecipientRequest{
			MerchantRecipientId: "host_rcpt",
			Destination:         &v1.PayoutServiceCreateRecipientRequest_ProcessorToken{ProcessorToken: "btok_us_verified"},
		})
		x := env.expect(t, mark, "POST /v1/accounts/acct_host_e2e/external_accounts")[0]
		wantForm(t, x, map[string]string{"external_account": "btok_us_verified", "metadata[merchant_recipient_id]": "host_rcpt"})
		wantIdempotencyKey(t, x, "payout_recipient:host_rcpt")
		recipient = res.GetConnectorRecipientId()
		if recipient == "" || recipient != x.Answer["id"] || res.GetLast4() != x.Answer["last4"] {
			t.Errorf("recipient = %v, Stripe answered %v", res, x.Answer)
		}
	})
	t.Run("payout recipient from raw bank details is refused with the way to tokenize", func(t *testing.T) {
		mark := env.rec.mark()
		ce := invokeErr(t, env, payoutAuth, c.payouts.CreateRecipient, &v1.PayoutServiceCreateRecipientRequest{
			MerchantRecipientId: "host_rcpt_raw",
			Destination: &v1.PayoutServiceCreateRecipientRequest_BankAccount{BankAccount: &v1.PayoutBankAccount{
				AccountHolderName: "Jane Doe", AccountNumber: "000123456789", RoutingNumber: "110000000", Country: "US", Currency: "USD",
			}},
		})
		if ce.Code() != connect.CodeInvalidArgument || !strings.Contains(ce.Message(), "btok_") || strings.Contains(ce.Message(), "000123456789") {
			t.Errorf("error = %v", ce)
		}
		env.expect(t, mark)
	})
	var payoutID string
	t.Run("payout create", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.payouts.Create, &v1.PayoutServiceCreateRequest{
			MerchantPayoutId: "host_payout", Amount: usd(2500), Description: "Weekly settlement", Speed: "standard",
			Recipient: &v1.PayoutRecipient{Destination: &v1.PayoutRecipient_ConnectorRecipientId{ConnectorRecipientId: recipient}},
		})
		x := env.expect(t, mark, "POST /v1/payouts")[0]
		wantForm(t, x, map[string]string{"amount": "2500", "currency": "usd", "destination": recipient, "method": "standard",
			"description": "Weekly settlement", "metadata[merchant_payout_id]": "host_payout"})
		wantIdempotencyKey(t, x, "payout:host_payout")
		payoutID = res.GetConnectorPayoutId()
		wantMapped(t, x, byStatus(payoutStatuses), res.GetStatus())
		if payoutID != x.Answer["id"] || res.GetMerchantPayoutId() != "host_payout" {
			t.Errorf("payout = %v, Stripe answered %v", res, x.Answer)
		}
	})
	t.Run("payout inline bank details are refused (Stripe pays registered accounts only)", func(t *testing.T) {
		mark := env.rec.mark()
		ce := invokeErr(t, env, apiKeyAuth, c.payouts.Create, &v1.PayoutServiceCreateRequest{
			MerchantPayoutId: "host_payout_inline", Amount: usd(100),
			Recipient: &v1.PayoutRecipient{Destination: &v1.PayoutRecipient_BankAccount{BankAccount: &v1.PayoutBankAccount{
				AccountHolderName: "Jane Doe", AccountNumber: "000123456789", RoutingNumber: "110000000", Country: "US", Currency: "USD"}}},
		})
		if ce.Code() != connect.CodeInvalidArgument || !strings.Contains(ce.Message(), "recipient.connector_recipient_id") {
			t.Errorf("error = %v", ce)
		}
		env.expect(t, mark)
	})
	t.Run("payout get", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.payouts.Get, &v1.PayoutServiceGetRequest{ConnectorPayoutId: payoutID})
		x := env.expect(t, mark, "GET /v1/payouts/"+payoutID)[0]
		wantMapped(t, x, byStatus(payoutStatuses), res.GetStatus())
	})
	t.Run("payout cancel", func(t *testing.T) {
		mark := env.rec.mark()
		res := invoke(t, env, c.payouts.Cancel, &v1.PayoutServiceCancelRequest{ConnectorPayoutId: payoutID, MerchantCancelId: "host_payout_cancel"})
		x := env.expect(t, mark, "POST /v1/payouts/"+payoutID+"/cancel")[0]
		wantIdempotencyKey(t, x, "payout_cancel:host_payout_cancel")
		wantMapped(t, x, byStatus(payoutStatuses), res.GetStatus())
	})
	t.Run("composite capture, void and refund run the plain flows (Stripe needs no access token)", func(t *testing.T) {
		mark := env.rec.mark()
		cap := invoke(t, env, c.composite.CompositeCapture, &v1.CompositePaymentServiceCompositeCaptureRequest{Capture: &v1.PaymentServiceCaptureRequest{
			ConnectorTransactionId: "pi_host_composite", AmountToCapture: usd(500), MerchantCaptureId: "host_ccap"}})
		void := invoke(t, env, c.composite.CompositeVoid, &v1.CompositePaymentServiceCompositeVoidRequest{Void: &v1.PaymentServiceVoidRequest{
			ConnectorTransactionId: "pi_host_composite", MerchantVoidId: "host_cvoid"}})
		ref := invoke(t, env, c.composite.CompositeRefund, &v1.CompositePaymentServiceCompositeRefundRequest{Refund: &v1.PaymentServiceRefundRequest{
			ConnectorTransactionId: "pi_host_composite", MerchantRefundId: "host_cref", RefundAmount: usd(500)}})
		xs := env.expect(t, mark, "POST /v1/payment_intents/pi_host_composite/capture", "POST /v1/payment_intents/pi_host_composite/cancel", "POST /v1/refunds")
		wantIdempotencyKey(t, xs[0], "capture:host_ccap")
		wantIdempotencyKey(t, xs[2], "refund:host_cref")
		if cap.GetAccessToken() != nil || void.GetAccessToken() != nil || ref.GetAccessToken() != nil {
			t.Error("an access token was reported for a connector that needs none")
		}
		if cap.GetCapture() == nil || void.GetVoid() == nil || ref.GetRefund().GetConnectorRefundId() != xs[2].Answer["id"] {
			t.Errorf("composite answers: %v / %v / %v", cap, void, ref)
		}
	})

	// Every flow the manifest declares answered through the host.
	m := invoke(t, env, c.connectors.GetConnector, &v1.ConnectorServiceGetConnectorRequest{Name: "stripe"}).GetConnector().GetManifest()
	if len(m.GetFlows()) == 0 {
		t.Fatal("the manifest declares no flows")
	}
	for _, f := range m.GetFlows() {
		info, err := abi.Lookup(f)
		if err != nil {
			t.Fatal(err)
		}
		if !env.answered(procedure(info)) {
			t.Errorf("declared flow %s was not run through the host", info.Name())
		}
	}
}

// TestHostWebhooks sends webhooks signed with stripe-go's signer to every
// HandleEvent RPC: verified events come back normalized; a tampered or stale
// one is Unauthenticated with the reason, and never yields events.
func TestHostWebhooks(t *testing.T) {
	env := stripeHost(t)
	c := env.clients()
	mark := env.rec.mark()
	t.Cleanup(func() {
		if xs := env.rec.since(mark); len(xs) != 0 {
			t.Errorf("verifying webhooks called Stripe: %v", xs)
		}
	})
	// Stripe's objects as stripe-mock describes them, in the state the
	// events announce.
	intent := env.mockObject(t, "/v1/payment_intents/pi_host_wh")
	intent["status"], intent["last_payment_error"], intent["amount_received"] = "succeeded", nil, intent["amount"]
	processing := env.mockObject(t, "/v1/payment_intents/pi_host_wh_2")
	processing["status"], processing["last_payment_error"] = "processing", nil
	refund := env.mockObject(t, "/v1/refunds/re_host_wh")
	refund["status"] = "succeeded"
	dispute := env.mockObject(t, "/v1/disputes/dp_host_wh")
	dispute["status"] = "needs_response"
	now := time.Now()

	webhookFor := func(t *testing.T, body []byte, signedAt time.Time) *v1.WebhookRequest {
		t.Helper()
		header := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: hostWebhookSecret, Timestamp: signedAt}).Header
		return &v1.WebhookRequest{Method: "POST", Url: "https://merchant.example/webhooks/stripe", Body: body,
			Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json; charset=utf-8"}, {Name: "Stripe-Signature", Value: header}}}
	}
	wantAck := func(t *testing.T, ack *v1.Acknowledgement) {
		t.Helper()
		if ack.GetStatus() != 200 || string(ack.GetBody()) != `{"received":true}` {
			t.Errorf("acknowledgement = %v", ack)
		}
	}
	oneEvent := func(t *testing.T, evs []*v1.Event, id, typ string, kind v1.EventKind) *v1.Event {
		t.Helper()
		if len(evs) != 1 {
			t.Fatalf("events = %v", evs)
		}
		ev := evs[0]
		if !ev.GetVerified() || ev.GetEventId() != id || ev.GetConnectorEventType() != typ || ev.GetKind() != kind || ev.GetCreatedAtUnix() != now.Unix() {
			t.Errorf("event = %v", ev)
		}
		return ev
	}
	wantPayment := func(t *testing.T, ev *v1.Event, obj map[string]any, want v1.PaymentStatus) {
		t.Helper()
		p := ev.GetPayment()
		if p.GetStatus() != want || p.GetConnectorTransactionId() != obj["id"] || p.GetAmount() == nil || p.GetError() != nil {
			t.Errorf("payment event = %v, want %v", p, want)
		}
	}

	t.Run("EventService", func(t *testing.T) {
		body := stripeEvent("evt_host_1", "payment_intent.succeeded", now, intent)
		res := invokeWith(t, env, webhookAuth, c.events.HandleEvent, &v1.EventServiceHandleEventRequest{Webhook: webhookFor(t, body, now)})
		ev := oneEvent(t, res.GetEvents(), "evt_host_1", "payment_intent.succeeded", v1.EventKind_EVENT_KIND_PAYMENT)
		wantPayment(t, ev, intent, v1.PaymentStatus_PAYMENT_STATUS_CHARGED)
		if !proto.Equal(ev.GetPayment().GetCapturedAmount(), ev.GetPayment().GetAmount()) {
			t.Errorf("captured %v of %v", ev.GetPayment().GetCapturedAmount(), ev.GetPayment().GetAmount())
		}
		wantAck(t, res.GetAcknowledgement())
	})
	t.Run("PaymentService", func(t *testing.T) {
		body := stripeEvent("evt_host_2", "payment_intent.processing", now, processing)
		res := invokeWith(t, env, webhookAuth, c.payments.HandleEvent, &v1.PaymentServiceHandleEventRequest{Webhook: webhookFor(t, body, now)})
		wantPayment(t, oneEvent(t, res.GetEvents(), "evt_host_2", "payment_intent.processing", v1.EventKind_EVENT_KIND_PAYMENT),
			processing, v1.PaymentStatus_PAYMENT_STATUS_PENDING)
		wantAck(t, res.GetAcknowledgement())
	})
	t.Run("RefundService", func(t *testing.T) {
		body := stripeEvent("evt_host_3", "refund.updated", now, refund)
		res := invokeWith(t, env, webhookAuth, c.refunds.HandleEvent, &v1.RefundServiceHandleEventRequest{Webhook: webhookFor(t, body, now)})
		r := oneEvent(t, res.GetEvents(), "evt_host_3", "refund.updated", v1.EventKind_EVENT_KIND_REFUND).GetRefund()
		if r.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || r.GetConnectorRefundId() != refund["id"] || r.GetAmount() == nil {
			t.Errorf("refund event = %v", r)
		}
		wantAck(t, res.GetAcknowledgement())
	})
	t.Run("DisputeService", func(t *testing.T) {
		body := stripeEvent("evt_host_4", "charge.dispute.created", now, dispute)
		res := invokeWith(t, env, webhookAuth, c.disputes.HandleEvent, &v1.DisputeServiceHandleEventRequest{Webhook: webhookFor(t, body, now)})
		d := oneEvent(t, res.GetEvents(), "evt_host_4", "charge.dispute.created", v1.EventKind_EVENT_KIND_DISPUTE).GetDispute()
		if d.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE || d.GetConnectorDisputeId() != dispute["id"] || d.GetAmount() == nil {
			t.Errorf("dispute event = %v", d)
		}
		wantAck(t, res.GetAcknowledgement())
	})

	t.Run("EventService payout", func(t *testing.T) {
		failed := env.mockObject(t, "/v1/payouts/po_host_wh")
		failed["status"], failed["failure_code"], failed["failure_message"] = "failed", "account_closed", "The bank account has been closed."
		body := stripeEvent("evt_host_6", "payout.failed", now, failed)
		res := invokeWith(t, env, webhookAuth, c.events.HandleEvent, &v1.EventServiceHandleEventRequest{Webhook: webhookFor(t, body, now)})
		p := oneEvent(t, res.GetEvents(), "evt_host_6", "payout.failed", v1.EventKind_EVENT_KIND_PAYOUT).GetPayout()
		if p.GetStatus() != v1.PayoutStatus_PAYOUT_STATUS_FAILED || p.GetConnectorPayoutId() != failed["id"] ||
			p.GetError().GetConnector().GetCode() != "account_closed" || p.GetAmount() == nil {
			t.Errorf("payout event = %v", p)
		}
	})
	t.Run("ParseEvent reads without credentials and says nothing is verified", func(t *testing.T) {
		event := map[string]any{}
		if err := json.Unmarshal(stripeEvent("evt_host_7", "charge.dispute.created", now, dispute), &event); err != nil {
			t.Fatal(err)
		}
		event["account"] = "acct_connected_1"
		body, _ := json.Marshal(event)
		w := &v1.WebhookRequest{Method: "POST", Body: body, Headers: []*v1.HttpHeader{{Name: "Stripe-Signature", Value: "t=1,v1=00"}}}
		req := connect.NewRequest(&v1.EventServiceParseEventRequest{Webhook: w})
		req.Header().Set("x-connector", "stripe") // and no credentials at all
		res, err := c.events.ParseEvent(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		evs := res.Msg.GetEvents()
		if res.Msg.GetVerified() || len(evs) != 1 {
			t.Fatalf("parse = %v", res.Msg)
		}
		refs := evs[0].GetReferences()
		if evs[0].GetEventId() != "evt_host_7" || evs[0].GetKind() != v1.EventKind_EVENT_KIND_DISPUTE ||
			refs.GetMerchantAccount() != "acct_connected_1" || refs.GetConnectorDisputeId() != dispute["id"] || refs.GetConnectorTransactionId() == "" {
			t.Errorf("parsed event = %v", evs[0])
		}
		// The same body with a bad signature is still refused by HandleEvent.
		if ce := invokeErr(t, env, webhookAuth, c.events.HandleEvent, &v1.EventServiceHandleEventRequest{Webhook: w}); ce.Code() != connect.CodeUnauthenticated {
			t.Errorf("HandleEvent of the unsigned body = %v", ce)
		}
		bad := proto.Clone(w).(*v1.WebhookRequest)
		bad.Body = []byte("not json")
		req = connect.NewRequest(&v1.EventServiceParseEventRequest{Webhook: bad})
		req.Header().Set("x-connector", "stripe")
		if _, err := c.events.ParseEvent(context.Background(), req); connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("ParseEvent of a non-JSON body = %v, want InvalidArgument", err)
		}
	})

	t.Run("an unreadable verified event is an error, never acknowledged", func(t *testing.T) {
		odd := map[string]any{}
		for k, v := range intent {
			odd[k] = v
		}
		odd["currency"] = "zzz"
		body := stripeEvent("evt_host_8", "payment_intent.succeeded", now, odd)
		// The caller gets no events and no acknowledgement: its endpoint
		// answers Stripe with an error, and Stripe sends the event again.
		ce := invokeErr(t, env, webhookAuth, c.events.HandleEvent, &v1.EventServiceHandleEventRequest{Webhook: webhookFor(t, body, now)})
		if ce.Code() != connect.CodeInternal || !strings.Contains(ce.Message(), "evt_host_8") {
			t.Errorf("error = %v, want Internal naming the event", ce)
		}
		namedOnce(t, ce)
	})

	body := stripeEvent("evt_host_5", "payment_intent.succeeded", now, intent)
	for _, tc := range []struct {
		name   string
		hook   func(t *testing.T) *v1.WebhookRequest
		reason string
	}{
		{"tampered", func(t *testing.T) *v1.WebhookRequest {
			w := webhookFor(t, body, now)
			w.Body = bytes.Replace(w.Body, []byte(`"livemode":false`), []byte(`"livemode":true `), 1)
			if bytes.Equal(w.Body, body) {
				t.Fatal("the body was not tampered with")
			}
			return w
		}, "SIGNATURE_MISMATCH"},
		{"stale", func(t *testing.T) *v1.WebhookRequest { return webhookFor(t, body, now.Add(-10*time.Minute)) }, "STALE_TIMESTAMP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.hook(t)
			// stripe-go, Stripe's own verifier, refuses it too.
			if _, err := webhook.ConstructEventWithOptions(w.GetBody(), signatureOf(w), hostWebhookSecret,
				webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true}); err == nil {
				t.Fatal("stripe-go accepts the webhook")
			}
			ce := invokeErr(t, env, webhookAuth, c.events.HandleEvent, &v1.EventServiceHandleEventRequest{Webhook: w})
			if ce.Code() != connect.CodeUnauthenticated || !strings.Contains(ce.Message(), tc.reason) {
				t.Errorf("error = %v, want Unauthenticated naming %s", ce, tc.reason)
			}
			namedOnce(t, ce)
		})
	}
}

// TestHostErrors checks plugin errors reach the caller through the host
// typed, with the connector named once, and without secrets.
func TestHostErrors(t *testing.T) {
	env := stripeHost(t)
	env.noRejections(t)
	c := env.clients()

	t.Run("not found at Stripe", func(t *testing.T) {
		mark := env.rec.mark()
		ce := invokeErr(t, env, apiKeyAuth, c.payments.Get, &v1.PaymentServiceGetRequest{ConnectorTransactionId: missingIntent})
		if len(env.rec.since(mark)) != 1 {
			t.Errorf("exchanges = %v", env.rec.since(mark))
		}
		if ce.Code() != connect.CodeNotFound || !strings.Contains(ce.Message(), "resource_missing") {
			t.Errorf("error = %v", ce)
		}
		namedOnce(t, ce)
		detail := paymentError(t, ce)
		if detail.GetCode() != v1.ErrorCode_ERROR_CODE_NOT_FOUND || detail.GetConnector().GetHttpStatus() != 404 ||
			detail.GetConnector().GetCode() != "resource_missing" || detail.GetConnector().GetRequestId() != "req_host_e2e_missing" {
			t.Errorf("detail = %v", detail)
		}
	})
	t.Run("unsupported by the plugin", func(t *testing.T) {
		mark := env.rec.mark()
		blik := &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK, BlikCode: "777123"}}}
		ce := invokeErr(t, env, apiKeyAuth, c.payments.SetupRecurring, &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "host_setup_blik", PaymentMethod: blik, Amount: &v1.Money{Currency: "PLN"}, ReturnUrl: hostReturnURL})
		if ce.Code() != connect.CodeUnimplemented || !strings.Contains(ce.Message(), "recurring") {
			t.Errorf("error = %v", ce)
		}
		namedOnce(t, ce)
		if xs := env.rec.since(mark); len(xs) != 0 {
			t.Errorf("a refused request reached Stripe: %v", xs)
		}
	})
}

// TestHostREADMECurlExample sends the root README's curl example, byte for
// byte, over plain HTTP-JSON.
func TestHostREADMECurlExample(t *testing.T) {
	env := stripeHost(t)
	env.noRejections(t)
	const body = `{"merchantTransactionId":"order_1001","amount":{"minorAmount":"1999","currency":"USD"},"paymentMethod":{"token":{"token":"pm_card_visa"}},"captureMethod":"CAPTURE_METHOD_AUTOMATIC"}`
	mark := env.rec.mark()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, env.url+"/connectorhost.v1.PaymentService/Authorize", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-connector", "stripe")
	req.Header.Set("x-connector-auth", apiKeyAuth)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, "the answer", string(raw))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("HTTP %d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), raw)
	}
	var out v1.PaymentServiceAuthorizeResponse
	if err := protojson.Unmarshal(raw, &out); err != nil {
		t.Fatalf("answer is not a PaymentServiceAuthorizeResponse: %v\n%s", err, raw)
	}

	x := env.expect(t, mark, "POST /v1/payment_intents")[0]
	wantForm(t, x, map[string]string{"amount": "1999", "currency": "usd", "confirm": "true", "capture_method": "automatic",
		"payment_method": "pm_card_visa", "payment_method_data[type]": ""})
	wantIdempotencyKey(t, x, "order_1001")
	checkPayment(t, x, &out)
	if out.GetMerchantTransactionId() != "order_1001" || !proto.Equal(out.GetAmount(), usd(1999)) || out.GetConnectorHttpStatus() != 200 {
		t.Errorf("answer = %s", raw)
	}
	t.Logf("README example answered %s, error %v (stripe-mock's PaymentIntent: status %v, last_payment_error %v)",
		out.GetStatus(), out.GetError(), x.Answer["status"], x.Answer["last_payment_error"])
}

// hostEnv is one connector host serving the Stripe plugin, with stripe-mock
// behind a recording proxy as the connector's base URL.
type hostEnv struct {
	url      string // the host's API
	proxyURL string // the connector's base URL: the recording proxy
	mockURL  string // stripe-mock itself
	rec      *recorder

	mu   sync.Mutex
	done map[string]bool // procedures that answered without an error
}

var shared struct {
	once sync.Once
	env  *hostEnv
	err  error
}

// stripeHost returns the host every test in this file shares, starting it
// (and stripe-mock) on first use. TestMain stops both after the last test.
func stripeHost(t *testing.T) *hostEnv {
	t.Helper()
	mockURL := stripe.StripeMockURL(t) // skips in -short mode
	wasm := wasmbuild.Build(t, "./plugins/stripe/wasm", "stripe")
	shared.once.Do(func() { shared.env, shared.err = startHost(mockURL, wasm) })
	if shared.err != nil {
		t.Fatalf("start host: %v", shared.err)
	}
	return shared.env
}

// startHost starts the recording proxy and a host on a loopback port whose
// plugin directory holds only stripe.wasm, configured as an operator would
// with --base-url stripe=<proxy>.
func startHost(mockURL, wasm string) (*hostEnv, error) {
	target, err := url.Parse(mockURL)
	if err != nil {
		return nil, err
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = keepIntentID
	rec := &recorder{proxy: rp}
	proxy := httptest.NewServer(rec)

	dir, err := os.MkdirTemp("", "stripe-host-e2e-")
	if err != nil {
		proxy.Close()
		return nil, err
	}
	stripe.AtExit(func() { _ = os.RemoveAll(dir) })
	stripe.AtExit(proxy.Close)
	pluginsDir := filepath.Join(dir, "plugins")
	if err := os.Mkdir(pluginsDir, 0o755); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(wasm)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(pluginsDir, "stripe.wasm"), b, 0o644); err != nil {
		return nil, err
	}

	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.PluginsDir = pluginsDir
	cfg.CacheDir = filepath.Join(dir, "cache")
	cfg.Plugins.CallTimeout = 10 * time.Second // two shared cores
	cfg.Connectors["stripe"] = config.Connector{BaseURL: proxy.URL}
	ctx, cancel := context.WithCancel(context.Background())
	h, err := app.New(ctx, cfg, app.Options{})
	if err != nil {
		cancel()
		return nil, err
	}
	served := make(chan error, 1)
	go func() { served <- h.Serve(ctx, 5*time.Second) }()
	stripe.AtExit(func() {
		cancel()
		if err := <-served; err != nil {
			fmt.Fprintf(os.Stderr, "host: %v\n", err)
		}
	})
	wait, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	if err := h.Registry().WaitLoaded(wait); err != nil {
		return nil, err
	}
	if info, ok := h.Registry().Get("stripe"); !ok || info.Manifest == nil || info.LoadError != "" {
		return nil, fmt.Errorf("stripe.wasm did not load: %+v", info)
	}
	return &hostEnv{url: "http://" + h.Addr(), proxyURL: proxy.URL, mockURL: mockURL, rec: rec, done: map[string]bool{}}, nil
}

// hostClients are the generated Connect clients of the unified API.
type hostClients struct {
	connectors connectorhostv1connect.ConnectorServiceClient
	payments   connectorhostv1connect.PaymentServiceClient
	refunds    connectorhostv1connect.RefundServiceClient
	recurring  connectorhostv1connect.RecurringPaymentServiceClient
	customers  connectorhostv1connect.CustomerServiceClient
	methods    connectorhostv1connect.PaymentMethodServiceClient
	composite  connectorhostv1connect.CompositePaymentServiceClient
	disputes   connectorhostv1connect.DisputeServiceClient
	events     connectorhostv1connect.EventServiceClient
	payouts    connectorhostv1connect.PayoutServiceClient
}

func (e *hostEnv) clients() hostClients {
	hc := &http.Client{Timeout: 30 * time.Second}
	return hostClients{
		connectors: connectorhostv1connect.NewConnectorServiceClient(hc, e.url),
		payments:   connectorhostv1connect.NewPaymentServiceClient(hc, e.url),
		refunds:    connectorhostv1connect.NewRefundServiceClient(hc, e.url),
		recurring:  connectorhostv1connect.NewRecurringPaymentServiceClient(hc, e.url),
		customers:  connectorhostv1connect.NewCustomerServiceClient(hc, e.url),
		methods:    connectorhostv1connect.NewPaymentMethodServiceClient(hc, e.url),
		composite:  connectorhostv1connect.NewCompositePaymentServiceClient(hc, e.url),
		disputes:   connectorhostv1connect.NewDisputeServiceClient(hc, e.url),
		events:     connectorhostv1connect.NewEventServiceClient(hc, e.url),
		payouts:    connectorhostv1connect.NewPayoutServiceClient(hc, e.url),
	}
}

// answered reports whether the procedure answered a call without an error.
func (e *hostEnv) answered(procedure string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.done[procedure]
}

func procedure(info abi.FlowInfo) string {
	return "/connectorhost.v1." + info.Service + "/" + info.Method
}

// rpc is a generated client method.
type rpc[Req, Res any] func(context.Context, *connect.Request[Req]) (*connect.Response[Res], error)

// send calls the host as a merchant does: x-connector names the connector,
// x-connector-auth carries the credentials.
func send[Req, Res any](e *hostEnv, auth string, call rpc[Req, Res], msg *Req) (*Res, *connect.Request[Req], error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := connect.NewRequest(msg)
	req.Header().Set("x-connector", "stripe")
	req.Header().Set("x-connector-auth", auth)
	res, err := call(ctx, req)
	if err != nil {
		return nil, req, err
	}
	e.mu.Lock()
	e.done[req.Spec().Procedure] = true
	e.mu.Unlock()
	return res.Msg, req, nil
}

// invoke calls the host with the API key as credentials and fails the test
// on an error or on a response carrying a secret.
func invoke[Req, Res any](t *testing.T, e *hostEnv, call rpc[Req, Res], msg *Req) *Res {
	t.Helper()
	return invokeWith(t, e, apiKeyAuth, call, msg)
}

// invokeWith is invoke with other credentials.
func invokeWith[Req, Res any](t *testing.T, e *hostEnv, auth string, call rpc[Req, Res], msg *Req) *Res {
	t.Helper()
	res, req, err := send(e, auth, call, msg)
	if err != nil {
		var ce *connect.Error
		if errors.As(err, &ce) {
			noSecrets(t, "the error", errorText(ce))
			t.Fatalf("%s: %v\n%s", req.Spec().Procedure, ce.Code(), errorText(ce))
		}
		t.Fatalf("%s: %v", req.Spec().Procedure, err)
	}
	b, err := protojson.Marshal(any(res).(proto.Message))
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, "the response", string(b))
	return res
}

// invokeErr calls the host and returns the error it must answer with,
// failing the test if it carries a secret.
func invokeErr[Req, Res any](t *testing.T, e *hostEnv, auth string, call rpc[Req, Res], msg *Req) *connect.Error {
	t.Helper()
	res, req, err := send(e, auth, call, msg)
	if err == nil {
		t.Fatalf("%s answered %v, want an error", req.Spec().Procedure, res)
	}
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("%s: %v is not a Connect error", req.Spec().Procedure, err)
	}
	noSecrets(t, "the error", errorText(ce))
	return ce
}

// errorText is an error's message and details, for the secret scan.
func errorText(ce *connect.Error) string {
	var b strings.Builder
	b.WriteString(ce.Message())
	for _, d := range ce.Details() {
		if m, err := d.Value(); err == nil {
			j, _ := protojson.Marshal(m)
			b.WriteString("\n")
			b.Write(j)
		}
	}
	return b.String()
}

// paymentError returns the error's PaymentError detail.
func paymentError(t *testing.T, ce *connect.Error) *v1.PaymentError {
	t.Helper()
	for _, d := range ce.Details() {
		if m, err := d.Value(); err == nil {
			if pe, ok := m.(*v1.PaymentError); ok {
				return pe
			}
		}
	}
	t.Fatalf("error has no PaymentError detail: %v", ce)
	return nil
}

// noSecrets fails when text carries the API key, the webhook secret or the
// full card number.
func noSecrets(t *testing.T, what, text string) {
	t.Helper()
	for name, s := range map[string]string{"API key": hostAPIKey, "webhook secret": hostWebhookSecret, "card number": hostCard} {
		if strings.Contains(text, s) {
			t.Errorf("%s carries the %s: %s", what, name, text)
		}
	}
}

// namedOnce checks the error names the connector once: the host prefixes
// plugin errors with "stripe: ", so the plugin's message must not repeat it.
func namedOnce(t *testing.T, ce *connect.Error) {
	t.Helper()
	rest, ok := strings.CutPrefix(ce.Message(), "stripe: ")
	if !ok {
		t.Errorf("error %q does not start with the connector's name", ce.Message())
		return
	}
	if strings.HasPrefix(strings.ToLower(rest), "stripe") || strings.Contains(strings.ToLower(rest), "stripe:") {
		t.Errorf("error %q names the connector twice", ce.Message())
	}
}

// noRejections fails the test, at its end, if stripe-mock answered 400 to
// any request the host sent during it (a request that breaks Stripe's spec).
func (e *hostEnv) noRejections(t *testing.T) {
	mark := e.rec.mark()
	t.Cleanup(func() {
		xs := e.rec.since(mark)
		for _, x := range xs {
			if x.Status == http.StatusBadRequest {
				t.Errorf("stripe-mock refused %s %s: %v\nbody sent: %s", x.Method, x.Path, x.Answer, x.Body)
			}
		}
		t.Logf("%d exchanges with stripe-mock, none refused", len(xs))
	})
}

// expect returns the exchanges since mark, failing unless they are the
// requests want lists ("POST /v1/refunds"), in order, each answered 200 and
// each carrying the key only in Authorization, the pinned Stripe-Version,
// and an Idempotency-Key exactly when it is a POST.
func (e *hostEnv) expect(t *testing.T, mark int, want ...string) []exchange {
	t.Helper()
	xs := e.rec.since(mark)
	if len(xs) != len(want) {
		t.Fatalf("exchanges = %v, want %v", xs, want)
	}
	for i, x := range xs {
		if got := x.Method + " " + x.Path; got != want[i] || x.Status != http.StatusOK {
			t.Fatalf("exchange %d = %s answered %d (%v), want %s answered 200", i, got, x.Status, x.Answer, want[i])
		}
		if x.Header.Get("Authorization") != "Bearer "+hostAPIKey || strings.Contains(x.RawQuery+x.Body, hostAPIKey) {
			t.Errorf("%s: the API key is not (only) in Authorization", want[i])
		}
		if x.Header.Get("Stripe-Version") != stripe.APIVersion {
			t.Errorf("%s: Stripe-Version = %q", want[i], x.Header.Get("Stripe-Version"))
		}
		if key := x.Header.Get("Idempotency-Key"); (x.Method == http.MethodPost) != (key != "") {
			t.Errorf("%s: Idempotency-Key = %q", want[i], key)
		}
	}
	return xs
}

// mockObject fetches an object from stripe-mock directly (not through the
// host), as the data of a webhook event.
func (e *hostEnv) mockObject(t *testing.T, path string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.mockURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+hostAPIKey)
	req.Header.Set("Stripe-Version", stripe.APIVersion)
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var obj map[string]any
	if err := json.NewDecoder(res.Body).Decode(&obj); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d %v %v", path, res.StatusCode, err, obj)
	}
	return obj
}

// stripeEvent is a Stripe Event envelope around obj.
func stripeEvent(id, typ string, created time.Time, obj map[string]any) []byte {
	b, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "api_version": stripe.APIVersion, "created": created.Unix(), "livemode": false,
		"pending_webhooks": 1, "request": map[string]any{"id": nil, "idempotency_key": nil}, "type": typ,
		"data": map[string]any{"object": obj},
	})
	if err != nil {
		panic(err)
	}
	return b
}

// signatureOf is the webhook's Stripe-Signature header.
func signatureOf(w *v1.WebhookRequest) string {
	for _, h := range w.GetHeaders() {
		if h.GetName() == "Stripe-Signature" {
			return h.GetValue()
		}
	}
	return ""
}

// payment is what every payment answer carries.
type payment interface {
	GetConnectorTransactionId() string
	GetStatus() v1.PaymentStatus
	GetError() *v1.PaymentError
}

// checkPayment checks a payment answer against the Stripe exchange behind
// it: the id is the PaymentIntent's, the status the README's mapping of it,
// and the error the PaymentIntent's last_payment_error. It returns the id.
func checkPayment(t *testing.T, x exchange, res payment) string {
	t.Helper()
	id := res.GetConnectorTransactionId()
	if !strings.HasPrefix(id, "pi_") || id != x.Answer["id"] {
		t.Errorf("connector_transaction_id = %q, Stripe answered %v", id, x.Answer["id"])
	}
	wantMapped(t, x, intentStatus, res.GetStatus())
	wantError(t, x, "last_payment_error", res.GetError())
	return id
}

// intentStatus maps a PaymentIntent as the README does.
func intentStatus(pi map[string]any) (v1.PaymentStatus, bool) {
	status, _ := pi["status"].(string)
	if e, failed := pi["last_payment_error"].(map[string]any); failed && status == "requires_payment_method" {
		if e["code"] == "payment_intent_authentication_failure" {
			return v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED, true
		}
		return v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, true
	}
	s, ok := intentStatuses[status]
	return s, ok
}

// setupStatus maps a SetupIntent as the README does.
func setupStatus(si map[string]any) (v1.MandateStatus, bool) {
	status, _ := si["status"].(string)
	s, ok := setupStatuses[status]
	if _, failed := si["last_setup_error"].(map[string]any); failed && s == v1.MandateStatus_MANDATE_STATUS_PENDING {
		return v1.MandateStatus_MANDATE_STATUS_FAILED, true
	}
	return s, ok
}

// byStatus maps an object by its status alone.
func byStatus[S ~int32](table map[string]S) func(map[string]any) (S, bool) {
	return func(obj map[string]any) (S, bool) {
		status, _ := obj["status"].(string)
		s, ok := table[status]
		return s, ok
	}
}

// wantMapped checks got is the mapping of the object Stripe answered.
func wantMapped[S ~int32](t *testing.T, x exchange, mapping func(map[string]any) (S, bool), got S) {
	t.Helper()
	want, ok := mapping(x.Answer)
	if !ok {
		t.Fatalf("%s %s: Stripe answered status %v, which the test has no mapping for", x.Method, x.Path, x.Answer["status"])
	}
	if got != want {
		t.Errorf("%s %s: Stripe status %v became %v, want %v", x.Method, x.Path, x.Answer["status"], got, want)
	}
}

// wantError checks the unified error is the answer's field (Stripe's error
// object, e.g. last_payment_error), and absent when the field is.
func wantError(t *testing.T, x exchange, field string, got *v1.PaymentError) {
	t.Helper()
	e, failed := x.Answer[field].(map[string]any)
	switch {
	case !failed && got != nil:
		t.Errorf("%s %s: error %v, but Stripe's %s is null", x.Method, x.Path, got, field)
	case failed && (got == nil || got.GetCode() == v1.ErrorCode_ERROR_CODE_UNSPECIFIED || got.GetConnector().GetType() != e["type"]):
		t.Errorf("%s %s: error %v, want Stripe's %s %v", x.Method, x.Path, got, field, e)
	}
}

// wantForm checks form fields of the request the host sent; "" means absent.
func wantForm(t *testing.T, x exchange, want map[string]string) {
	t.Helper()
	for k, v := range want {
		got, has := x.Form[k]
		switch {
		case v == "" && has:
			t.Errorf("%s %s: form has %s=%q, want it absent", x.Method, x.Path, k, got)
		case v != "" && (len(got) != 1 || got[0] != v):
			t.Errorf("%s %s: form %s = %q, want %q", x.Method, x.Path, k, got, v)
		}
	}
}

func wantIdempotencyKey(t *testing.T, x exchange, want string) {
	t.Helper()
	if got := x.Header.Get("Idempotency-Key"); got != want {
		t.Errorf("%s %s: Idempotency-Key = %q, want %q", x.Method, x.Path, got, want)
	}
}

func usd(n int64) *v1.Money { return &v1.Money{MinorAmount: n, Currency: "USD"} }

func cardMethod() *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{
		Number: hostCard, ExpMonth: 3, ExpYear: 2030, Cvc: "737", HolderName: "Jo Doe",
	}}}
}

func tokenMethod(tok string) *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: tok}}}
}

func authorizeRequest(id string, amount int64) *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: id,
		Amount:                usd(amount),
		PaymentMethod:         cardMethod(),
		CaptureMethod:         v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
	}
}

// exchange is one request of the host to stripe-mock and its answer, as the
// recording proxy saw them.
type exchange struct {
	Method, Path, RawQuery string
	Header                 http.Header // the host's request headers
	Body                   string      // the host's request body
	Form                   url.Values  // Body decoded
	Status                 int
	Answer                 map[string]any // the JSON answer
}

func (x exchange) String() string { return fmt.Sprintf("%s %s → %d", x.Method, x.Path, x.Status) }

// recorder is the reverse proxy in front of stripe-mock; it records every
// exchange. It answers GET /v1/payment_intents/<missingIntent> itself with
// Stripe's 404, which stripe-mock cannot give.
type recorder struct {
	proxy *httputil.ReverseProxy

	mu  sync.Mutex
	log []exchange
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.Header.Del("Accept-Encoding") // keep answers readable for the record
	form, _ := url.ParseQuery(string(body))
	x := exchange{Method: req.Method, Path: req.URL.Path, RawQuery: req.URL.RawQuery, Header: req.Header.Clone(), Body: string(body), Form: form}

	cw := &captureWriter{ResponseWriter: w}
	if req.URL.Path == "/v1/payment_intents/"+missingIntent {
		cw.Header().Set("Content-Type", "application/json")
		cw.Header().Set("Request-Id", "req_host_e2e_missing")
		cw.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(cw, `{"error":{"type":"invalid_request_error","code":"resource_missing","param":"intent","message":"No such payment_intent: '%s'"}}`, missingIntent)
	} else {
		r.proxy.ServeHTTP(cw, req)
	}
	x.Status = cw.status
	_ = json.Unmarshal(cw.body.Bytes(), &x.Answer)

	r.mu.Lock()
	r.log = append(r.log, x)
	r.mu.Unlock()
}

// keepIntentID works around a stripe-mock limitation: it answers
// POST /v1/payment_intents/{intent}/increment_authorization with a newly
// generated PaymentIntent id, where Stripe answers with the PaymentIntent the
// path names (the host would rightly refuse the mismatch as an integrity
// error). It puts the path's id back; nothing else is changed.
func keepIntentID(res *http.Response) error {
	rest, ok := strings.CutPrefix(res.Request.URL.Path, "/v1/payment_intents/")
	id, ok2 := strings.CutSuffix(rest, "/increment_authorization")
	if !ok || !ok2 || res.StatusCode != http.StatusOK {
		return nil
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return err
	}
	obj["id"], _ = json.Marshal(id)
	if body, err = json.Marshal(obj); err != nil {
		return err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	res.ContentLength = int64(len(body))
	res.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

// mark returns a position in the record for since.
func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.log)
}

// since returns the exchanges recorded after mark.
func (r *recorder) since(mark int) []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.log[mark:]...)
}

// captureWriter passes an answer through and keeps its status and body.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}
