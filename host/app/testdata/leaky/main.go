// Command leaky is a test plugin that does its best to leak secrets, so the
// host's tests can show none escapes into logs or errors. Its Authorize
// sends the card number and CVC in the body and the api_key as a bearer
// token (as a real connector would), and on a declined (402) or failed (5xx)
// answer returns an error quoting the processor's whole answer. Merchant id
// "echo" returns the processor's answer as the transaction id; merchant id
// "leak-path" puts the card number, CVC and api_key in the URL path. Its webhook
// verification (HMAC-SHA256 of the body with webhook_secret, hex, in
// X-Signature) quotes the secret when the signature does not match. Its
// credentials may carry tls_client_cert and tls_client_key (mTLS).
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

func build(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	key, err := c.Credential("api_key")
	if err != nil {
		return nil, err
	}
	card := r.GetPaymentMethod().GetCard()
	body, _ := json.Marshal(map[string]any{
		"ref": r.GetMerchantTransactionId(), "amount": r.GetAmount().GetMinorAmount(),
		"number": card.GetNumber(), "cvc": card.GetCvc(),
	})
	path := "/pay"
	if r.GetMerchantTransactionId() == "leak-path" {
		// Card number, CVC and API key in the URL path: the host must not log them.
		path = "/v1/leak/" + card.GetNumber() + "/" + card.GetCvc() + "/" + key
	}
	req := pdk.NewRequest("POST", c.URL(path)).SecretHeader("Authorization", "Bearer "+key)
	if r.GetMerchantTransactionId() != "no-idempotency" {
		req = req.IdempotencyKey("Idempotency-Key", r.GetMerchantTransactionId())
	}
	return req.Body("application/json", body).Build(), nil
}

func parse(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	switch {
	case res.Status == 402:
		return nil, pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, "declined; the processor said %s (key %s)", res.Body, c.Credentials["api_key"])
	case res.Status >= 500:
		return nil, pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, "processor answered %d: %s", res.Status, res.Body)
	case res.Status != 200:
		return nil, pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "processor answered %d: %s", res.Status, res.Body)
	}
	id := "pay_" + r.GetMerchantTransactionId()
	if r.GetMerchantTransactionId() == "echo" {
		id = string(res.Body)
	}
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: id, Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		Amount: r.GetAmount(), MerchantTransactionId: r.GetMerchantTransactionId(),
	}, nil
}

func verify(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	secret := c.Credentials["webhook_secret"]
	if secret == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "webhook_secret is not configured")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(w.GetBody())
	want := hex.EncodeToString(mac.Sum(nil))
	if pdk.Header(w.GetHeaders(), "X-Signature") != want {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "signature does not match HMAC(%s, body)", secret)
	}
	var ev struct {
		ID  string `json:"id"`
		Ref string `json:"ref"`
	}
	if err := json.Unmarshal(w.GetBody(), &ev); err != nil {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "body is not JSON")
	}
	return &pluginv1.VerifiedWebhook{Events: []*v1.Event{{
		EventId: ev.ID, ConnectorEventType: "payment.succeeded", Kind: v1.EventKind_EVENT_KIND_PAYMENT, Verified: true,
		Payload: &v1.Event_Payment{Payment: &v1.PaymentEvent{ConnectorTransactionId: "pay_" + ev.Ref, MerchantTransactionId: ev.Ref, Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED}},
	}}}, nil
}

func init() {
	pdk.Register(&pdk.Connector{
		Manifest: &v1.Manifest{
			Name: "leaky", Version: "1.0.0", DisplayName: "Leaky (test)",
			SandboxBaseUrl: "https://api.leaky.test", EgressHosts: []string{"api.leaky.test"}, IdempotencyHeader: "Idempotency-Key",
			CredentialFields: []*v1.CredentialField{
				{Name: "api_key", Secret: true, Required: true},
				{Name: "webhook_secret", Secret: true},
				{Name: "tls_client_cert", Secret: true},
				{Name: "tls_client_key", Secret: true},
			},
		},
		Flows:         []pdk.Flow{pdk.Authorize(pdk.H(build, parse))},
		VerifyWebhook: verify,
	})
}

func main() {}
