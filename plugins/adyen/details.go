package adyen

import (
	"sort"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// detailsKeys are the members of Checkout v71 PaymentCompletionDetails, the
// only redirect parameters /payments/details accepts (the schema is closed).
func detailsKeys() []string {
	return []string{
		"MD", "PaReq", "PaRes", "authorization_token", "billingToken", "cupsecureplus.smscode",
		"facilitatorAccessToken", "oneTimePasscode", "orderID", "payerID", "payload", "paymentID",
		"paymentStatus", "redirectResult", "resultCode", "returnUrlQueryString", "threeDSResult",
		"threeds2.challengeResult", "threeds2.fingerprint", "vaultToken",
	}
}

// redirectDetails picks the redirect parameters Adyen's details object
// accepts, sorted by name. Other parameters (the merchant's own query
// parameters on the return URL) are dropped. A raw payload without any known
// parameter is sent as returnUrlQueryString.
func redirectDetails(req *v1.PaymentServiceVerifyRedirectResponseRequest) ([]kv, error) {
	params := req.GetParams()
	var out []kv
	for _, k := range detailsKeys() {
		if v, ok := params[k]; ok && v != "" {
			out = append(out, kv{k, v})
		}
	}
	if len(out) == 0 && req.GetPayload() != "" {
		out = append(out, kv{"returnUrlQueryString", strings.TrimPrefix(req.GetPayload(), "?")})
	}
	if len(out) == 0 {
		return nil, pdk.InvalidRequest("params", "carry none of Adyen's redirect parameters (e.g. redirectResult)")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].k < out[j].k })
	return out, nil
}

// buildDetails builds POST /payments/details with the shopper's redirect result.
func buildDetails(c *pdk.Context, req *v1.PaymentServiceVerifyRedirectResponseRequest) (*pluginv1.HttpRequest, error) {
	cr, err := requireCredentials(c)
	if err != nil {
		return nil, err
	}
	base, err := checkoutBase(c)
	if err != nil {
		return nil, err
	}
	details, err := redirectDetails(req)
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	o.Object("details", func(d *jsonw.Object) {
		for _, f := range details {
			d.String(f.k, f.v)
		}
	})
	body := o.Bytes()
	// The same redirect result retried gets the same key; another one (a 3DS
	// step then a bank redirect) gets its own.
	key := idempotencyKey("details", sig.SHA256Hex(body)[:32])
	return post(base+"/payments/details", cr, key, body), nil
}

// parseDetails reads the /payments/details answer. The capture mode is the
// request's capture_method when set, else the one remembered in the state
// Authorize returned; without either, Authorised is AUTHORIZED.
func parseDetails(c *pdk.Context, req *v1.PaymentServiceVerifyRedirectResponseRequest, res *pdk.Response) (*v1.PaymentServiceVerifyRedirectResponseResponse, error) {
	mode := captureFromState(req.GetState(), c.State)
	if m := req.GetCaptureMethod(); m != v1.CaptureMethod_CAPTURE_METHOD_UNSPECIFIED {
		mode = captureOf(m)
	}
	r, err := parsePayment(res, mode, req.GetAmount())
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceVerifyRedirectResponseResponse{
		ConnectorTransactionId: firstNonEmpty(r.psp, req.GetConnectorTransactionId()),
		Status:                 r.status,
		Amount:                 r.amount,
		NextAction:             r.next,
		Error:                  r.err,
		Mandate:                r.mandateFor(""),
		MerchantTransactionId:  firstNonEmpty(r.merchantRef, req.GetMerchantTransactionId()),
		NetworkTransactionId:   r.networkTxID,
		ConnectorHttpStatus:    int32(res.Status),
		State:                  r.state(mode),
		CardChecks:             r.checks,
	}, nil
}
