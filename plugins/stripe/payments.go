package stripe

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

type (
	captureIn   = v1.PaymentServiceCaptureRequest
	voidIn      = v1.PaymentServiceVoidRequest
	incrementIn = v1.PaymentServiceIncrementalAuthorizationRequest
	getIn       = v1.PaymentServiceGetRequest
	redirectIn  = v1.PaymentServiceVerifyRedirectResponseRequest
)

// captureHandler captures an authorized PaymentIntent, in full or in part. A 402
// (the payment method refused at capture) is a CAPTURE_FAILED response.
var captureHandler = &pdk.Call[*captureIn, *v1.PaymentServiceCaptureResponse]{
	API: api, Method: "POST", Path: "/v1/payment_intents/{id}/capture",
	Params: pdk.Params[*captureIn]{"id": {Field: "connector_transaction_id", Get: (*captureIn).GetConnectorTransactionId}},
	Key:    pdk.Key[*captureIn]{Op: "capture", Field: "merchant_capture_id", ID: (*captureIn).GetMerchantCaptureId},
	Body: pdk.Fields[*captureIn]{
		{Key: "amount_to_capture", Money: (*captureIn).GetAmountToCapture, Name: "amount_to_capture", Required: true},
		{Key: "statement_descriptor_suffix", Str: (*captureIn).GetStatementDescriptor},
	},
	Fill: func(_ *pdk.Context, req *captureIn, b *pdk.Body) error {
		err := writeMetadata(b, req.GetMetadata(), "merchant_capture_id", req.GetMerchantCaptureId())
		b.Set("expand[]", "latest_charge")
		return err
	},
	Answer: func(_ *pdk.Context, _ *captureIn, a *pdk.Answer) (*v1.PaymentServiceCaptureResponse, error) {
		in := readIntent(a)
		return &v1.PaymentServiceCaptureResponse{ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status,
			CapturedAmount: in.CapturedAmount, Error: in.Error, ConnectorCaptureId: in.ConnectorReferenceId, State: in.State}, nil
	},
	OnDecline: func(_ *pdk.Context, _ *captureIn, e *pdk.Error, _ *pdk.Answer) (*v1.PaymentServiceCaptureResponse, error) {
		return &v1.PaymentServiceCaptureResponse{Error: e.Detail, Status: v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED}, nil
	},
}

// voidHandler cancels a PaymentIntent that is not captured.
var voidHandler = &pdk.Call[*voidIn, *v1.PaymentServiceVoidResponse]{
	API: api, Method: "POST", Path: "/v1/payment_intents/{id}/cancel",
	Params: pdk.Params[*voidIn]{"id": {Field: "connector_transaction_id", Get: (*voidIn).GetConnectorTransactionId}},
	Key:    pdk.Key[*voidIn]{Op: "void", Field: "merchant_void_id", ID: (*voidIn).GetMerchantVoidId},
	Body: pdk.Fields[*voidIn]{{Key: "cancellation_reason",
		Str: func(r *voidIn) string { return cancellationReasons.Match(r.GetCancellationReason()) }}},
	Answer: func(_ *pdk.Context, _ *voidIn, a *pdk.Answer) (*v1.PaymentServiceVoidResponse, error) {
		in := readIntent(a)
		return &v1.PaymentServiceVoidResponse{ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status, Error: in.Error,
			State: in.State}, nil
	},
}

// cancellationReasons are the reasons Stripe accepts for cancelling a
// PaymentIntent, in the order they are tried on a free-text reason.
var cancellationReasons = pdk.Reasons{
	{Value: "fraudulent", Words: []string{"fraud"}},
	{Value: "duplicate", Words: []string{"duplicate"}},
	{Value: "abandoned", Words: []string{"abandon", "expire", "timeout", "timed out"}},
	{Value: "requested_by_customer", Words: []string{"customer", "shopper", "requested", "cancel"}},
}

// incrementHandler raises an authorization to a new total amount. A declined
// incrementHandler (402) is AUTHORIZATION_FAILED with the error; the original
// authorization still stands.
var incrementHandler = &pdk.Call[*incrementIn, *v1.PaymentServiceIncrementalAuthorizationResponse]{
	API: api, Method: "POST", Path: "/v1/payment_intents/{id}/increment_authorization",
	Params: pdk.Params[*incrementIn]{"id": {Field: "connector_transaction_id", Get: (*incrementIn).GetConnectorTransactionId}},
	Key:    pdk.Key[*incrementIn]{Op: "increment", Field: "merchant_increment_id", ID: (*incrementIn).GetMerchantIncrementId},
	Body: pdk.Fields[*incrementIn]{
		{Key: "amount", Money: (*incrementIn).GetAmount, Name: "amount", Required: true},
		{Key: "description", Str: (*incrementIn).GetReason},
	},
	Answer: func(_ *pdk.Context, _ *incrementIn, a *pdk.Answer) (*v1.PaymentServiceIncrementalAuthorizationResponse, error) {
		return incrementResponse(readIntent(a)), nil
	},
	OnDecline: func(_ *pdk.Context, _ *incrementIn, e *pdk.Error, a *pdk.Answer) (*v1.PaymentServiceIncrementalAuthorizationResponse, error) {
		return incrementResponse(declinedIntent(e, a, nil)), nil
	},
}

func incrementResponse(in *intent) *v1.PaymentServiceIncrementalAuthorizationResponse {
	return &v1.PaymentServiceIncrementalAuthorizationResponse{ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status,
		Amount: in.Amount, Error: in.Error, State: in.State}
}

// getHandler reads a PaymentIntent with its latest charge. A GET only reads, so
// the host may repeat it after a timeout or a 429/5xx.
var getHandler = &pdk.Call[*getIn, *v1.PaymentServiceGetResponse]{
	API: api, Path: "/v1/payment_intents/{id}",
	Params: pdk.Params[*getIn]{"id": {Field: "connector_transaction_id", Get: (*getIn).GetConnectorTransactionId}},
	Query:  pdk.Fields[*getIn]{{Key: "expand[]", Const: "latest_charge"}},
	Answer: func(_ *pdk.Context, req *getIn, a *pdk.Answer) (*v1.PaymentServiceGetResponse, error) {
		in := readIntent(a)
		in.MerchantTransactionId = pdk.First(req.GetMerchantTransactionId(), in.MerchantTransactionId)
		return in.PaymentServiceGetResponse, nil
	},
}

// verifyRedirectHandler reads the PaymentIntent a shopper returned for from
// Stripe: the redirect's parameters are not trusted for the outcome. The id
// is the request's, or the payment_intent parameter Stripe appends to the
// return_url; when both are present they must agree.
var verifyRedirectHandler = &pdk.Call[*redirectIn, *v1.PaymentServiceVerifyRedirectResponseResponse]{
	API: api, Path: "/v1/payment_intents/{id}",
	Params: pdk.Params[*redirectIn]{"id": {Field: "connector_transaction_id",
		Get: func(r *redirectIn) string {
			return pdk.First(r.GetConnectorTransactionId(), r.GetParams()["payment_intent"])
		}}},
	Query: pdk.Fields[*redirectIn]{{Key: "expand[]", Const: "latest_charge"}},
	Check: func(_ *pdk.Context, req *redirectIn) error {
		switch id, param := req.GetConnectorTransactionId(), req.GetParams()["payment_intent"]; {
		case id != "" && param != "" && id != param:
			return pdk.InvalidRequest("params.payment_intent", "does not match connector_transaction_id")
		case id == "" && param == "":
			return pdk.InvalidRequest("connector_transaction_id", "is required (or params.payment_intent from the return URL)")
		}
		return nil
	},
	Answer: func(_ *pdk.Context, req *redirectIn, a *pdk.Answer) (*v1.PaymentServiceVerifyRedirectResponseResponse, error) {
		in := readIntent(a)
		return &v1.PaymentServiceVerifyRedirectResponseResponse{
			ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status, Amount: in.Amount, NextAction: in.NextAction,
			Error: in.Error, Mandate: in.Mandate, State: in.State, NetworkTransactionId: in.NetworkTransactionId, CardChecks: in.CardChecks,
			MerchantTransactionId: pdk.First(req.GetMerchantTransactionId(), in.MerchantTransactionId),
		}, nil
	},
}
