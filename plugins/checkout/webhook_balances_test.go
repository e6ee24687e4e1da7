package checkout

import (
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// TestPartialCaptureWebhook: payment_captured carries this capture's amount
// and, from webhook version 1.0.29, the payment's balances
// (https://www.checkout.com/docs/developer-resources/event-notifications/event-types/payment_captured).
// A first partial capture of 20 out of 100 is PARTIALLY_CAPTURED with
// amount 100 and captured 20; the second, of 80, is CHARGED with captured
// 100, not 80.
func TestPartialCaptureWebhook(t *testing.T) {
	event := func(amount, captured, rest string) *v1.PaymentEvent {
		t.Helper()
		body := `{"id":"evt_fkfqht6yonme7bk7jawrgzbbxq","type":"payment_captured","version":"1.0.29","created_on":"2023-05-24T09:12:32Z",` +
			`"data":{"id":"pay_vti5layihapu5bhbn5tjtk6eem","action_id":"act_uqlj3642dyyuroivzdwfg2fysq","reference":"ORD-5023-4E89","amount":` + amount +
			`,"response_code":"10000","response_summary":"Approved","balances":{"total_authorized":100,"total_voided":0,"available_to_void":` + rest +
			`,"total_captured":` + captured + `,"available_to_capture":` + rest + `,"total_refunded":0,"available_to_refund":` + captured + `},"currency":"EUR"}}`
		out, err := verify(t, body, hmacHex(vectorKey, body), vectorKey)
		if err != nil || len(out.GetVerified().GetEvents()) != 1 {
			t.Fatalf("verify = %v, %v", out, err)
		}
		return out.GetVerified().GetEvents()[0].GetPayment()
	}
	first := event("20", "20", "80")
	if first.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED || first.GetAmount().GetMinorAmount() != 100 ||
		first.GetCapturedAmount().GetMinorAmount() != 20 {
		t.Errorf("first partial capture = %v", first)
	}
	second := event("80", "100", "0")
	if second.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || second.GetAmount().GetMinorAmount() != 100 ||
		second.GetCapturedAmount().GetMinorAmount() != 100 {
		t.Errorf("last partial capture = %v", second)
	}
}

// TestWebhookTimestampField: the documented payment_captured example names
// its time "timestamp" (no created_on); the event keeps it.
func TestWebhookTimestampField(t *testing.T) {
	body := `{"id":"evt_fkfqht6yonme7bk7jawrgzbbxq","source":"gwc_notifier1","type":"payment_captured","timestamp":"2023-05-24T09:12:32.357+00:00",` +
		`"version":"1.0.29","data":{"id":"pay_vti5layihapu5bhbn5tjtk6eem","action_id":"act_uqlj3642dyyuroivzdwfg2fysq","amount":20,"currency":"EUR"}}`
	out, err := verify(t, body, hmacHex(vectorKey, body), vectorKey)
	if err != nil || len(out.GetVerified().GetEvents()) != 1 {
		t.Fatalf("verify = %v, %v", out, err)
	}
	if got := out.GetVerified().GetEvents()[0].GetCreatedAtUnix(); got != 1684919552 {
		t.Errorf("created_at = %d, want 1684919552 (2023-05-24T09:12:32Z)", got)
	}
}

// TestVoidAfterPartialCaptureWebhook: a void of a partially captured
// payment releases only the authorization's remainder
// (https://www.checkout.com/docs/payments/manage-payments/void-a-payment);
// its payment_voided event carries that remainder as data.amount and the
// payment's balances
// (https://www.checkout.com/docs/developer-resources/event-notifications/event-types/payment_voided).
// After a capture of 30 out of 100 the event is PARTIALLY_CAPTURED, amount
// 100 and captured 30, not VOIDED; a void of an uncaptured payment (the
// documented example) stays VOIDED.
func TestVoidAfterPartialCaptureWebhook(t *testing.T) {
	event := func(amount, authorized, voided, captured string) *v1.PaymentEvent {
		t.Helper()
		body := `{"id":"evt_m4dpgk7o3xtedhv3diloora7w4","type":"payment_voided","version":"1.0.29","created_on":"2023-05-24T09:19:40.6252516Z",` +
			`"data":{"id":"pay_pttrzqqc7pduvau7bk2tgi2nly","action_id":"act_goluc2z6x5ruplxcxrvrexvkyy","reference":"ORD-5023-4E89","amount":` + amount +
			`,"processed_on":"2023-05-24T09:19:35.5634662Z","response_code":"10000","response_summary":"Approved","balances":{"total_authorized":` + authorized +
			`,"total_voided":` + voided + `,"available_to_void":0,"total_captured":` + captured + `,"available_to_capture":0,"total_refunded":0,"available_to_refund":` + captured +
			`},"currency":"EUR","trigger":"manual"}}`
		out, err := verify(t, body, hmacHex(vectorKey, body), vectorKey)
		if err != nil || len(out.GetVerified().GetEvents()) != 1 {
			t.Fatalf("verify = %v, %v", out, err)
		}
		return out.GetVerified().GetEvents()[0].GetPayment()
	}
	partial := event("70", "100", "70", "30")
	if partial.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED || partial.GetAmount().GetMinorAmount() != 100 ||
		partial.GetCapturedAmount().GetMinorAmount() != 30 {
		t.Errorf("void after a partial capture = %v, want PARTIALLY_CAPTURED, amount 100, captured 30", partial)
	}
	full := event("20", "20", "20", "0")
	if full.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOIDED || full.GetAmount().GetMinorAmount() != 20 || full.GetCapturedAmount() != nil {
		t.Errorf("void of an uncaptured payment = %v, want VOIDED, amount 20", full)
	}
}
