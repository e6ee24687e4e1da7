package stripe

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
)

var captureHandler = pdk.H(buildCapture, parseCapture)

// buildCapture builds POST /v1/payment_intents/{id}/capture.
func buildCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest) (*pluginv1.HttpRequest, error) {
	path, err := objectPath("/v1/payment_intents", req.GetConnectorTransactionId(), "connector_transaction_id", "capture")
	if err != nil {
		return nil, err
	}
	key, err := requireMerchantID("capture", req.GetMerchantCaptureId(), "merchant_capture_id")
	if err != nil {
		return nil, err
	}
	amount, _, err := toStripeAmount(req.GetAmountToCapture(), "amount_to_capture")
	if err != nil {
		return nil, err
	}
	f := form.New()
	f.SetInt("amount_to_capture", amount)
	f.SetIf("statement_descriptor_suffix", req.GetStatementDescriptor())
	if err := writeMetadata(f, req.GetMetadata(), "merchant_capture_id", req.GetMerchantCaptureId()); err != nil {
		return nil, err
	}
	expandLatestCharge(f)
	return post(c, path, key, f)
}

func parseCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest, res *pdk.Response) (*v1.PaymentServiceCaptureResponse, error) {
	out := &v1.PaymentServiceCaptureResponse{
		MerchantCaptureId:   req.GetMerchantCaptureId(),
		ConnectorHttpStatus: int32(res.Status),
	}
	secrets := secretsOf(c, nil)
	a, err := readAnswer(res, secrets)
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		if !a.Err.isDecline() {
			return nil, a.Err.pluginError()
		}
		out.ConnectorTransactionId = req.GetConnectorTransactionId()
		out.Status = v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED
		out.Error = a.Err.paymentError()
		return out, nil
	}
	in, err := parseIntent(a.Obj, a.Status, a.RequestID, secrets)
	if err != nil {
		return nil, err
	}
	out.ConnectorTransactionId = in.ID
	out.Status = in.Status
	out.CapturedAmount = in.Received
	out.Error = in.Error
	out.ConnectorCaptureId = in.ChargeID
	out.State = customerState(in.CustomerID)
	return out, nil
}

var voidHandler = pdk.H(buildVoid, parseVoid)

// cancellationReasons are the reasons Stripe accepts for cancelling a
// PaymentIntent through the API.
var cancellationReasons = []string{"duplicate", "fraudulent", "requested_by_customer", "abandoned"}

// stripeCancellationReason maps a free-text reason to Stripe's enum, or ""
// (omitted) when nothing fits.
func stripeCancellationReason(reason string) string {
	r := strings.ToLower(strings.TrimSpace(reason))
	for _, v := range cancellationReasons {
		if r == v {
			return v
		}
	}
	switch {
	case r == "":
		return ""
	case strings.Contains(r, "fraud"):
		return "fraudulent"
	case strings.Contains(r, "duplicate"):
		return "duplicate"
	case strings.Contains(r, "abandon"), strings.Contains(r, "expire"), strings.Contains(r, "timeout"), strings.Contains(r, "timed out"):
		return "abandoned"
	case strings.Contains(r, "customer"), strings.Contains(r, "shopper"), strings.Contains(r, "requested"), strings.Contains(r, "cancel"):
		return "requested_by_customer"
	}
	return ""
}

// buildVoid builds POST /v1/payment_intents/{id}/cancel.
func buildVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest) (*pluginv1.HttpRequest, error) {
	path, err := objectPath("/v1/payment_intents", req.GetConnectorTransactionId(), "connector_transaction_id", "cancel")
	if err != nil {
		return nil, err
	}
	key, err := requireMerchantID("void", req.GetMerchantVoidId(), "merchant_void_id")
	if err != nil {
		return nil, err
	}
	f := form.New()
	f.SetIf("cancellation_reason", stripeCancellationReason(req.GetCancellationReason()))
	return post(c, path, key, f)
}

func parseVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest, res *pdk.Response) (*v1.PaymentServiceVoidResponse, error) {
	secrets := secretsOf(c, nil)
	a, err := readAnswer(res, secrets)
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		return nil, a.Err.pluginError()
	}
	in, err := parseIntent(a.Obj, a.Status, a.RequestID, secrets)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceVoidResponse{
		ConnectorTransactionId: in.ID,
		Status:                 in.Status,
		Error:                  in.Error,
		State:                  customerState(in.CustomerID),
		MerchantVoidId:         req.GetMerchantVoidId(),
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
}

var incrementHandler = pdk.H(buildIncrement, parseIncrement)

// buildIncrement builds POST /v1/payment_intents/{id}/increment_authorization
// with the new total amount.
func buildIncrement(c *pdk.Context, req *v1.PaymentServiceIncrementalAuthorizationRequest) (*pluginv1.HttpRequest, error) {
	path, err := objectPath("/v1/payment_intents", req.GetConnectorTransactionId(), "connector_transaction_id", "increment_authorization")
	if err != nil {
		return nil, err
	}
	key, err := requireMerchantID("increment", req.GetMerchantIncrementId(), "merchant_increment_id")
	if err != nil {
		return nil, err
	}
	amount, _, err := toStripeAmount(req.GetAmount(), "amount")
	if err != nil {
		return nil, err
	}
	f := form.New()
	f.SetInt("amount", amount)
	f.SetIf("description", req.GetReason())
	return post(c, path, key, f)
}

// parseIncrement reads the PaymentIntent after the increment. A declined
// increment (402) is AUTHORIZATION_FAILED with the error; the original
// authorization still stands.
func parseIncrement(c *pdk.Context, req *v1.PaymentServiceIncrementalAuthorizationRequest, res *pdk.Response) (*v1.PaymentServiceIncrementalAuthorizationResponse, error) {
	in, err := parseIntentAnswer(c, res, nil, nil)
	if err != nil {
		return nil, err
	}
	id := in.ID
	if id == "" {
		id = req.GetConnectorTransactionId()
	}
	return &v1.PaymentServiceIncrementalAuthorizationResponse{
		ConnectorTransactionId: id,
		Status:                 in.Status,
		Amount:                 in.Amount,
		Error:                  in.Error,
		State:                  customerState(in.CustomerID),
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
}
