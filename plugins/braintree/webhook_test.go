//go:build !wasip1

package braintree

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// TestSignatureSDKVector: Braintree's official SDKs pin the digest every
// webhook signature uses: with the private key "integration_private_key",
// the challenge "20f9f8ed05f77439fe955c977e4c8a53" signs to
// "d9b899556c966b3f06945ec21311865d35df3ce4" (braintree_python
// tests/unit/test_webhooks.py test_verify_returns_a_correct_challenge_response;
// the same vector is in braintree_ruby, braintree_java, braintree_php,
// braintree_dotnet and braintree_node).
func TestSignatureSDKVector(t *testing.T) {
	got := hex.EncodeToString(signature("integration_private_key", []byte("20f9f8ed05f77439fe955c977e4c8a53")))
	if got != "d9b899556c966b3f06945ec21311865d35df3ce4" {
		t.Fatalf("signature = %s", got)
	}
}

// settledXML is the transaction_settled sample of braintree_python's
// WebhookTestingGateway (braintree/webhook_testing_gateway.py).
const settledXML = `<notification><timestamp type="datetime">2026-01-02T03:04:05Z</timestamp><kind>transaction_settled</kind>` +
	`<subject><transaction><id>my_id</id><status>settled</status><type>sale</type><currency-iso-code>USD</currency-iso-code>` +
	`<amount>100.00</amount><merchant-account-id>ogaotkivejpfayqfeaimuktty</merchant-account-id></transaction></subject></notification>`

// sample signs xml as the SDKs' sample_notification does and returns the
// form body Braintree posts.
func sample(pub, priv, xml, extraPairs string) (body, payload string) {
	payload = base64.StdEncoding.EncodeToString([]byte(xml))
	pair := pub + "|" + hex.EncodeToString(signature(priv, []byte(payload)))
	if extraPairs != "" {
		pair = extraPairs + "&" + pair
	}
	return url.Values{"bt_signature": {pair}, "bt_payload": {payload}}.Encode(), payload
}

func verify(t *testing.T, creds map[string]string, body string) (*pluginv1.VerifiedWebhook, error) {
	t.Helper()
	c := pdk.NewContext(v1.Flow_FLOW_UNSPECIFIED, &pluginv1.CallContext{Credentials: creds}, nil)
	return webhooks.Verify(c, &v1.WebhookRequest{Body: []byte(body)})
}

func wantRejection(t *testing.T, err error, reason pluginv1.RejectionReason) {
	t.Helper()
	rej, ok := err.(*pdk.Rejection)
	if !ok || rej.Reason != reason {
		t.Fatalf("error = %v, want rejection %v", err, reason)
	}
}

// TestWebhookVerifiesAndNormalizes: a genuine notification is verified and
// becomes a payment event; the pair of our public key is the one checked.
func TestWebhookVerifiesAndNormalizes(t *testing.T) {
	body, _ := sample(docPublicKey, docPrivateKey, settledXML, "other_key|00ff")
	out, err := verify(t, testCredentials(), body)
	if err != nil {
		t.Fatal(err)
	}
	ev := out.GetEvents()[0]
	p := ev.GetPayment()
	if !ev.GetVerified() || ev.GetEventId() != "transaction_settled:my_id:2026-01-02T03:04:05Z" || p.GetConnectorTransactionId() != "my_id" ||
		p.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || p.GetAmount().GetMinorAmount() != 10000 || p.GetAmount().GetCurrency() != "USD" {
		t.Fatalf("event = %v", ev)
	}
}

// TestWebhookTamperedRefused: every forgery is refused with its reason.
func TestWebhookTamperedRefused(t *testing.T) {
	body, payload := sample(docPublicKey, docPrivateKey, settledXML, "")
	other := strings.Replace(settledXML, "100.00", "900.00", 1)
	forgedPayload := base64.StdEncoding.EncodeToString([]byte(other))
	q, _ := url.ParseQuery(body)
	cases := []struct {
		name   string
		creds  map[string]string
		body   string
		reason pluginv1.RejectionReason
	}{
		{"payload swapped", testCredentials(), url.Values{"bt_signature": q["bt_signature"], "bt_payload": {forgedPayload}}.Encode(), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"signature of another private key", testCredentials(), func() string { b, _ := sample(docPublicKey, "not-the-key", settledXML, ""); return b }(), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"only another public key", testCredentials(), func() string { b, _ := sample("someone_else", docPrivateKey, settledXML, ""); return b }(), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"wrong private key configured", map[string]string{credPublicKey: docPublicKey, credPrivateKey: docPrivateKey + "x"}, body, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"no signature", testCredentials(), url.Values{"bt_payload": {payload}}.Encode(), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE},
		{"signature not hex", testCredentials(), url.Values{"bt_signature": {docPublicKey + "|zz"}, "bt_payload": {payload}}.Encode(), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"payload not base64", testCredentials(), url.Values{"bt_signature": q["bt_signature"], "bt_payload": {"<xml>"}}.Encode(), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY},
		{"no private key", map[string]string{credPublicKey: docPublicKey}, body, pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := verify(t, tc.creds, tc.body)
			if out != nil {
				t.Fatalf("forgery produced %v", out)
			}
			wantRejection(t, err, tc.reason)
		})
	}
}

// TestParseWebhookWithoutCredentials: ParseEvent reads the notification's
// references without any key, and refuses a body that is not one.
func TestParseWebhookWithoutCredentials(t *testing.T) {
	body, _ := sample(docPublicKey, docPrivateKey, settledXML, "")
	evs, err := webhooks.Parse(pdk.NewContext(v1.Flow_FLOW_UNSPECIFIED, &pluginv1.CallContext{}, nil), &v1.WebhookRequest{Body: []byte(body)})
	if err != nil || len(evs) != 1 {
		t.Fatalf("parse = %v, %v", evs, err)
	}
	refs := evs[0].GetReferences()
	if refs.GetConnectorTransactionId() != "my_id" || refs.GetMerchantAccount() != "ogaotkivejpfayqfeaimuktty" || evs[0].GetKind() != v1.EventKind_EVENT_KIND_PAYMENT {
		t.Fatalf("parsed = %v", evs[0])
	}
	_, err = webhooks.Parse(pdk.NewContext(v1.Flow_FLOW_UNSPECIFIED, &pluginv1.CallContext{}, nil), &v1.WebhookRequest{Body: []byte("bt_payload=PHg%2B")})
	wantRejection(t, err, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY)
}

// TestWebhookSignatureOfPayloadWithNewline: Braintree's SDKs accept a
// bt_signature computed over bt_payload followed by "\n" as well as over
// bt_payload itself (braintree_ruby lib/braintree/webhook_notification_gateway.rb
// _verify_signature: [payload, payload + "\n"]): the base64 payload Braintree
// signs may end with a line break that form handling strips. Such a
// notification is genuine.
func TestWebhookSignatureOfPayloadWithNewline(t *testing.T) {
	payload := base64.StdEncoding.EncodeToString([]byte(settledXML))
	pair := docPublicKey + "|" + hex.EncodeToString(signature(docPrivateKey, []byte(payload+"\n")))
	body := url.Values{"bt_signature": {pair}, "bt_payload": {payload}}.Encode()
	out, err := verify(t, testCredentials(), body)
	if err != nil {
		t.Fatalf("genuine notification refused: %v", err)
	}
	if p := out.GetEvents()[0].GetPayment(); p.GetConnectorTransactionId() != "my_id" {
		t.Fatalf("event = %v", out.GetEvents()[0])
	}
	// Still bound to the key: the same construction with another key is refused.
	pair = docPublicKey + "|" + hex.EncodeToString(signature("not-the-key", []byte(payload+"\n")))
	_, err = verify(t, testCredentials(), url.Values{"bt_signature": {pair}, "bt_payload": {payload}}.Encode())
	wantRejection(t, err, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH)
}

// TestDisputeWebhookNamesItsMerchantAccount: a dispute notification carries
// the merchant account in <dispute><merchant-account-id> (braintree_ruby
// lib/braintree/webhook_testing_gateway.rb, _new_dispute_opened_sample_xml),
// which ParseEvent reports so a platform can pick that account's secret, as
// it does for transaction notifications.
func TestDisputeWebhookNamesItsMerchantAccount(t *testing.T) {
	const xml = `<notification><timestamp type="datetime">2026-01-02T03:04:05Z</timestamp><kind>dispute_opened</kind>` +
		`<subject><dispute><id>dp_1</id><amount>100.00</amount><currency-iso-code>USD</currency-iso-code><kind>chargeback</kind>` +
		`<merchant-account-id>ytnlulaloidoqwvzxjrdqputg</merchant-account-id><reason>fraud</reason><status>open</status>` +
		`<transaction><id>tx_1</id><amount>100.00</amount></transaction></dispute></subject></notification>`
	body, _ := sample(docPublicKey, docPrivateKey, xml, "")
	evs, err := webhooks.Parse(pdk.NewContext(v1.Flow_FLOW_UNSPECIFIED, &pluginv1.CallContext{}, nil), &v1.WebhookRequest{Body: []byte(body)})
	if err != nil || len(evs) != 1 {
		t.Fatalf("parse = %v, %v", evs, err)
	}
	if refs := evs[0].GetReferences(); refs.GetMerchantAccount() != "ytnlulaloidoqwvzxjrdqputg" || refs.GetConnectorDisputeId() != "dp_1" {
		t.Fatalf("references = %v", refs)
	}
}

// TestDisputeWebhookReasonCode: a dispute notification's reason code is the
// processor's <reason-code> when Braintree gives one (braintree_ruby
// lib/braintree/webhook_testing_gateway.rb _new_dispute_*_sample_xml carry
// <reason-code> beside <reason>), as DisputeService.Get reads
// processorResponse.reasonCode; without one it stays the reason.
func TestDisputeWebhookReasonCode(t *testing.T) {
	for code, want := range map[string]string{`<reason-code>83</reason-code>`: "83", `<reason-code nil="true"/>`: "fraud"} {
		xml := `<notification><timestamp type="datetime">2026-01-02T03:04:05Z</timestamp><kind>dispute_opened</kind>` +
			`<subject><dispute><id>dp_1</id><amount>100.00</amount><currency-iso-code>USD</currency-iso-code><kind>chargeback</kind>` +
			`<reason>fraud</reason>` + code + `<status>open</status><transaction><id>tx_1</id></transaction></dispute></subject></notification>`
		body, _ := sample(docPublicKey, docPrivateKey, xml, "")
		out, err := verify(t, testCredentials(), body)
		if err != nil {
			t.Fatal(err)
		}
		if d := out.GetEvents()[0].GetDispute(); d.GetReasonCode() != want || d.GetReason() != "fraud" {
			t.Fatalf("%s: dispute = %v", code, d)
		}
	}
}

// TestWebhookUnreadableAmountRefused: a verified transaction or dispute
// notification whose amount or currency cannot be read, or without its
// subject id, is refused as MALFORMED_BODY (no acknowledgement, so
// Braintree sends it again), never an event without its amount.
func TestWebhookUnreadableAmountRefused(t *testing.T) {
	creds := testCredentials()
	dispute := `<notification><timestamp type="datetime">2026-01-02T03:04:05Z</timestamp><kind>dispute_opened</kind>` +
		`<subject><dispute><id>dp_1</id><amount>100.00</amount><currency-iso-code>USD</currency-iso-code><kind>chargeback</kind>` +
		`<status>open</status><transaction><id>tx_1</id></transaction></dispute></subject></notification>`
	for _, xml := range []string{settledXML, dispute} { // as they are, both verify with their amount
		body, _ := sample(creds[credPublicKey], creds[credPrivateKey], xml, "")
		if out, err := verify(t, creds, body); err != nil || len(out.GetEvents()) != 1 || out.GetEvents()[0].GetKind() == v1.EventKind_EVENT_KIND_OTHER {
			t.Fatalf("verify = %v, %v", out, err)
		}
	}
	for name, xml := range map[string]string{
		"amount not a decimal":       strings.Replace(settledXML, "<amount>100.00</amount>", "<amount>abc</amount>", 1),
		"amount beyond the currency": strings.Replace(settledXML, "<amount>100.00</amount>", "<amount>100.005</amount>", 1),
		"no amount":                  strings.Replace(settledXML, "<amount>100.00</amount>", "", 1),
		"unknown currency":           strings.Replace(settledXML, ">USD<", ">ZZZ<", 1),
		"no transaction id":          strings.Replace(settledXML, "<id>my_id</id>", "", 1),
		"dispute no currency":        strings.Replace(dispute, "<currency-iso-code>USD</currency-iso-code>", "", 1),
		"dispute no id":              strings.Replace(dispute, "<id>dp_1</id>", "", 1),
	} {
		t.Run(name, func(t *testing.T) {
			body, _ := sample(creds[credPublicKey], creds[credPrivateKey], xml, "")
			_, err := verify(t, creds, body)
			wantRejection(t, err, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY)
			_, err = webhooks.Parse(&pdk.Context{}, &v1.WebhookRequest{Body: []byte(body)})
			wantRejection(t, err, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY)
		})
	}
}
