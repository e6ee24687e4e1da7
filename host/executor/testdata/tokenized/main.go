// Command tokenized is a test plugin for the executor: its Authorize needs an
// access token first (a next step), re-authenticates when the processor says
// the token expired, reports the processor's amount, currency and reference
// (so tests can make them disagree with the request), and misbehaves on
// request: reference "leak" returns the API key in the response, "evil"
// builds a request to an undeclared host. Its Capture, Void and Refund need
// the token in the state already, as composite RPCs provide it. Its
// webhook verifier asks the host for the documents the X-Doc-Url header
// names (comma-separated) and accepts the webhook when each was fetched with
// status 200 and reads "doc-ok"; with X-Ask-Again it asks even when given
// them. Its ParseWebhook asks for the same documents, which must fail.
package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

type payment struct {
	ID       string `json:"id"`
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	Ref      string `json:"ref"`
	Error    string `json:"error"`
}

func buildToken(c *pdk.Context, _ *v1.MerchantAuthenticationServiceCreateAccessTokenRequest) (*pluginv1.HttpRequest, error) {
	key, err := c.Credential("api_key")
	if err != nil {
		return nil, err
	}
	return pdk.NewRequest("POST", c.URL("/token")).SecretHeader("Authorization", "Basic "+key).Build(), nil
}

func parseToken(c *pdk.Context, _ *v1.MerchantAuthenticationServiceCreateAccessTokenRequest, res *pdk.Response) (*v1.MerchantAuthenticationServiceCreateAccessTokenResponse, error) {
	var body struct {
		Token     string `json:"token"`
		ExpiresIn int64  `json:"expires_in"`
	}
	if res.Status != 200 || json.Unmarshal(res.Body, &body) != nil {
		return nil, pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "token endpoint answered %d", res.Status)
	}
	return &v1.MerchantAuthenticationServiceCreateAccessTokenResponse{
		AccessToken: &v1.AccessToken{Token: body.Token, ExpiresAtUnix: c.NowUnix() + body.ExpiresIn},
	}, nil
}

func buildAuthorize(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	tok := c.State.GetAccessToken().GetToken()
	if tok == "" {
		return nil, pdk.NeedStep(v1.Flow_FLOW_CREATE_ACCESS_TOKEN, &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{})
	}
	url := c.URL("/pay")
	if r.GetMerchantTransactionId() == "evil" {
		url = "https://evil.test/pay"
	}
	body := fmt.Sprintf(`{"amount":%d,"currency":%q,"ref":%q}`, r.GetAmount().GetMinorAmount(), r.GetAmount().GetCurrency(), r.GetMerchantTransactionId())
	return pdk.NewRequest("POST", url).SecretHeader("Authorization", "Bearer "+tok).
		IdempotencyKey("Idempotency-Key", r.GetMerchantTransactionId()).Body("application/json", []byte(body)).Build(), nil
}

func parseAuthorize(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	var p payment
	_ = json.Unmarshal(res.Body, &p)
	switch {
	case res.Status == 401 && p.Error == "token_expired":
		return nil, pdk.NeedStep(v1.Flow_FLOW_CREATE_ACCESS_TOKEN, &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{})
	case res.Status == 400:
		return nil, pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, "processor said: %s", res.Body)
	case res.Status != 200:
		return nil, pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, "processor answered %d", res.Status)
	}
	out := &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: p.ID, Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		Amount: &v1.Money{MinorAmount: p.Amount, Currency: p.Currency}, MerchantTransactionId: p.Ref,
		State: &v1.ConnectorState{Values: map[string]string{"calls": strconv.Itoa(len(res.Body))}},
	}
	if r.GetMerchantTransactionId() == "leak" {
		out.ConnectorReferenceId = c.Credentials["api_key"]
	}
	return out, nil
}

// buildModification builds Capture, Void and Refund: each needs the access
// token to be in the state already (no next step), so only a caller that
// fetched one first (a composite RPC) gets through.
func buildModification(c *pdk.Context, path, id string) (*pluginv1.HttpRequest, error) {
	tok := c.State.GetAccessToken().GetToken()
	if tok == "" {
		return nil, pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "no access token in the state")
	}
	return pdk.NewRequest("POST", c.URL(path)).SecretHeader("Authorization", "Bearer "+tok).
		IdempotencyKey("Idempotency-Key", id).Body("application/json", []byte(`{}`)).Build(), nil
}

func modificationOK(res *pdk.Response) error {
	if res.Status != 200 {
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, "processor answered %d", res.Status)
	}
	return nil
}

var (
	captureHandler = pdk.H(func(c *pdk.Context, r *v1.PaymentServiceCaptureRequest) (*pluginv1.HttpRequest, error) {
		return buildModification(c, "/capture", r.GetMerchantCaptureId())
	}, func(_ *pdk.Context, r *v1.PaymentServiceCaptureRequest, res *pdk.Response) (*v1.PaymentServiceCaptureResponse, error) {
		return &v1.PaymentServiceCaptureResponse{ConnectorTransactionId: r.GetConnectorTransactionId(), Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED}, modificationOK(res)
	})
	voidHandler = pdk.H(func(c *pdk.Context, r *v1.PaymentServiceVoidRequest) (*pluginv1.HttpRequest, error) {
		return buildModification(c, "/void", r.GetMerchantVoidId())
	}, func(_ *pdk.Context, r *v1.PaymentServiceVoidRequest, res *pdk.Response) (*v1.PaymentServiceVoidResponse, error) {
		return &v1.PaymentServiceVoidResponse{ConnectorTransactionId: r.GetConnectorTransactionId(), Status: v1.PaymentStatus_PAYMENT_STATUS_VOIDED}, modificationOK(res)
	})
	refundHandler = pdk.H(func(c *pdk.Context, r *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
		return buildModification(c, "/refund", r.GetMerchantRefundId())
	}, func(_ *pdk.Context, r *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
		return &v1.PaymentServiceRefundResponse{ConnectorRefundId: "re_1", ConnectorTransactionId: r.GetConnectorTransactionId(),
			Status: v1.RefundStatus_REFUND_STATUS_SUCCEEDED, RefundAmount: r.GetRefundAmount()}, modificationOK(res)
	})
)

func verifyWebhook(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	urls := strings.Split(pdk.Header(w.GetHeaders(), "X-Doc-Url"), ",")
	if pdk.Header(w.GetHeaders(), "X-Ask-Again") != "" {
		return nil, pdk.NeedDocuments(urls...)
	}
	for _, u := range urls {
		d, ok := c.Document(u)
		if !ok {
			return nil, pdk.NeedDocuments(urls...)
		}
		if d.Status != 200 || string(d.Body) != "doc-ok" {
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "document %s: status %d", u, d.Status)
		}
	}
	return &pluginv1.VerifiedWebhook{Events: []*v1.Event{{EventId: "evt_1", Kind: v1.EventKind_EVENT_KIND_OTHER, Verified: true}}}, nil
}

func init() {
	pdk.Register(&pdk.Connector{
		Manifest: &v1.Manifest{
			Name: "tokenized", Version: "1.0.0", SandboxBaseUrl: "https://api.tokenized.test", EgressHosts: []string{"api.tokenized.test", "docs.tokenized.test"},
			Webhooks:          &v1.WebhookSupport{Supported: true},
			IdempotencyHeader: "Idempotency-Key", RequiresAccessToken: true,
			CredentialFields: []*v1.CredentialField{{Name: "api_key", Secret: true, Required: true}},
		},
		Flows: []pdk.Flow{
			pdk.CreateAccessToken(pdk.H(buildToken, parseToken)),
			pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)),
			pdk.Capture(captureHandler),
			pdk.Void(voidHandler),
			pdk.Refund(refundHandler),
		},
		VerifyWebhook: verifyWebhook,
		// Parsing asks for the documents too: the PDK and the host refuse.
		ParseWebhook: func(_ *pdk.Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
			return nil, pdk.NeedDocuments(strings.Split(pdk.Header(w.GetHeaders(), "X-Doc-Url"), ",")...)
		},
	})
}

func main() {}
