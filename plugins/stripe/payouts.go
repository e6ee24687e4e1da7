package stripe

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
	"github.com/connectorhost/connector-host/pdk/statusmap"
	"github.com/valyala/fastjson"
)

// Payouts move money from the Stripe balance to one of the account's own
// external accounts (a bank account or debit card registered with
// CreateRecipient): POST /v1/payouts, GET /v1/payouts/{id},
// POST /v1/payouts/{id}/cancel, POST /v1/accounts/{account}/external_accounts.

var (
	payoutCreateHandler    = pdk.H(buildPayoutCreate, parsePayoutCreate)
	payoutGetHandler       = pdk.H(buildPayoutGet, parsePayoutGet)
	payoutCancelHandler    = pdk.H(buildPayoutCancel, parsePayoutCancel)
	payoutRecipientHandler = pdk.H(buildPayoutRecipient, parsePayoutRecipient)
)

// payoutStatuses maps Payout.status. A paid payout later returned by the
// bank stays "paid" with reversed_by set, or turns "failed": see parsePayout.
var payoutStatuses = statusmap.New(map[string]v1.PayoutStatus{
	"pending":    v1.PayoutStatus_PAYOUT_STATUS_PENDING,
	"in_transit": v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT,
	"paid":       v1.PayoutStatus_PAYOUT_STATUS_PAID,
	"failed":     v1.PayoutStatus_PAYOUT_STATUS_FAILED,
	"canceled":   v1.PayoutStatus_PAYOUT_STATUS_CANCELED,
}, v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN)

// payoutFailureCodes maps Payout.failure_code to unified codes; others are
// PROCESSING_ERROR with the raw code kept.
var payoutFailureCodes = map[string]v1.ErrorCode{
	"insufficient_funds":            v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
	"invalid_account_number":        v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"incorrect_account_holder_name": v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"no_account":                    v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"invalid_currency":              v1.ErrorCode_ERROR_CODE_CURRENCY_NOT_SUPPORTED,
	"unsupported_card":              v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED,
	"account_closed":                v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"account_frozen":                v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"bank_account_restricted":       v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"declined":                      v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"debit_not_authorized":          v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
}

// buildPayoutCreate builds POST /v1/payouts to a registered external account.
func buildPayoutCreate(c *pdk.Context, req *v1.PayoutServiceCreateRequest) (*pluginv1.HttpRequest, error) {
	key, err := requireMerchantID("payout", req.GetMerchantPayoutId(), "merchant_payout_id")
	if err != nil {
		return nil, err
	}
	amount, currency, err := toStripeAmount(req.GetAmount(), "amount")
	if err != nil {
		return nil, err
	}
	dest := req.GetRecipient().GetConnectorRecipientId()
	if dest == "" {
		return nil, pdk.InvalidRequest("recipient.connector_recipient_id",
			"is required: Stripe pays out only to the account's external accounts; register the bank account or card with PayoutService.CreateRecipient first")
	}
	f := form.New()
	f.SetInt("amount", amount)
	f.Set("currency", currency)
	f.Set("destination", dest)
	f.SetIf("description", req.GetDescription())
	f.SetIf("method", req.GetSpeed())
	if err := writeMetadata(f, req.GetMetadata(), "merchant_payout_id", req.GetMerchantPayoutId()); err != nil {
		return nil, err
	}
	return post(c, "/v1/payouts", key, f)
}

// payout is the unified reading of a Stripe Payout.
type payout struct {
	ID, MerchantID string
	Status         v1.PayoutStatus
	Amount         *v1.Money
	ArrivalDate    int64
	Error          *v1.PaymentError
}

// parsePayout reads a Payout object.
func parsePayout(v *fastjson.Value, httpStatus int, requestID string) (*payout, error) {
	if obj := str(v, "object"); obj != "" && obj != "payout" {
		return nil, pdk.InvalidResponse("answered with a %q object where a payout was expected", obj)
	}
	id, err := requireID(v, "payout")
	if err != nil {
		return nil, err
	}
	amount, err := fromStripeAmount(num(v, "amount"), str(v, "currency"))
	if err != nil {
		return nil, err
	}
	p := &payout{
		ID: id, MerchantID: metadataValue(v, "merchant_payout_id"), Amount: amount,
		Status: payoutStatuses.Get(str(v, "status")), ArrivalDate: num(v, "arrival_date"),
	}
	if p.Status == v1.PayoutStatus_PAYOUT_STATUS_PAID && idOf(v, "reversed_by") != "" {
		p.Status = v1.PayoutStatus_PAYOUT_STATUS_REVERSED
	}
	if code := str(v, "failure_code"); code != "" || p.Status == v1.PayoutStatus_PAYOUT_STATUS_FAILED {
		unified, ok := payoutFailureCodes[code]
		if !ok {
			unified = v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
		}
		msg := firstNonEmpty(str(v, "failure_message"), "payout failed")
		p.Error = &v1.PaymentError{Code: unified, Message: msg, Connector: &v1.ConnectorError{
			Code: code, Message: msg, HttpStatus: int32(httpStatus), RequestId: requestID,
		}}
	}
	return p, nil
}

// readPayout reads an answer carrying a Payout; errors are typed errors.
func readPayout(c *pdk.Context, res *pdk.Response) (*payout, error) {
	a, err := readAnswer(res, secretsOf(c, nil))
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		return nil, a.Err.pluginError()
	}
	return parsePayout(a.Obj, a.Status, a.RequestID)
}

func parsePayoutCreate(c *pdk.Context, req *v1.PayoutServiceCreateRequest, res *pdk.Response) (*v1.PayoutServiceCreateResponse, error) {
	p, err := readPayout(c, res)
	if err != nil {
		return nil, err
	}
	if err := checkAmount(req.GetAmount(), p.Amount, "payout "+p.ID); err != nil {
		return nil, err
	}
	return &v1.PayoutServiceCreateResponse{
		ConnectorPayoutId: p.ID, Status: p.Status, Amount: p.Amount, Error: p.Error,
		MerchantPayoutId: req.GetMerchantPayoutId(), ArrivalDateUnix: p.ArrivalDate, ConnectorHttpStatus: int32(res.Status),
	}, nil
}

// buildPayoutGet builds GET /v1/payouts/{id}.
func buildPayoutGet(c *pdk.Context, req *v1.PayoutServiceGetRequest) (*pluginv1.HttpRequest, error) {
	path, err := objectPath("/v1/payouts", req.GetConnectorPayoutId(), "connector_payout_id")
	if err != nil {
		return nil, err
	}
	return get(c, path, nil)
}

func parsePayoutGet(c *pdk.Context, req *v1.PayoutServiceGetRequest, res *pdk.Response) (*v1.PayoutServiceGetResponse, error) {
	p, err := readPayout(c, res)
	if err != nil {
		return nil, err
	}
	if err := checkAmount(req.GetAmount(), p.Amount, "payout "+p.ID); err != nil {
		return nil, err
	}
	return &v1.PayoutServiceGetResponse{
		ConnectorPayoutId: p.ID, Status: p.Status, Amount: p.Amount, Error: p.Error,
		ArrivalDateUnix: p.ArrivalDate, ConnectorHttpStatus: int32(res.Status),
	}, nil
}

// buildPayoutCancel builds POST /v1/payouts/{id}/cancel.
func buildPayoutCancel(c *pdk.Context, req *v1.PayoutServiceCancelRequest) (*pluginv1.HttpRequest, error) {
	key, err := requireMerchantID("payout_cancel", req.GetMerchantCancelId(), "merchant_cancel_id")
	if err != nil {
		return nil, err
	}
	path, err := objectPath("/v1/payouts", req.GetConnectorPayoutId(), "connector_payout_id", "cancel")
	if err != nil {
		return nil, err
	}
	return post(c, path, key, nil)
}

func parsePayoutCancel(c *pdk.Context, _ *v1.PayoutServiceCancelRequest, res *pdk.Response) (*v1.PayoutServiceCancelResponse, error) {
	p, err := readPayout(c, res)
	if err != nil {
		return nil, err
	}
	return &v1.PayoutServiceCancelResponse{ConnectorPayoutId: p.ID, Status: p.Status, Error: p.Error, ConnectorHttpStatus: int32(res.Status)}, nil
}

// buildPayoutRecipient builds POST /v1/accounts/{account}/external_accounts:
// a bank account or card token (processor_token or card.token: btok_...,
// tok_...) attached to the Stripe account named by the account_id
// credential. Stripe's API takes only tokens here, so raw bank details are
// refused with the way to make one.
func buildPayoutRecipient(c *pdk.Context, req *v1.PayoutServiceCreateRecipientRequest) (*pluginv1.HttpRequest, error) {
	key, err := requireMerchantID("payout_recipient", req.GetMerchantRecipientId(), "merchant_recipient_id")
	if err != nil {
		return nil, err
	}
	account, err := c.Credential(credAccountID)
	if err != nil {
		return nil, err
	}
	path, err := objectPath("/v1/accounts", account, credAccountID, "external_accounts")
	if err != nil {
		return nil, err
	}
	token := firstNonEmpty(req.GetProcessorToken(), req.GetCard().GetToken())
	if token == "" {
		return nil, pdk.InvalidRequest("processor_token",
			"is required: Stripe registers payout destinations from tokens (a bank account token btok_... or card token tok_... made with Stripe.js or the Tokens API), not raw bank details")
	}
	f := form.New()
	f.Set("external_account", token)
	f.Set("metadata[merchant_recipient_id]", req.GetMerchantRecipientId())
	return post(c, path, key, f)
}

func parsePayoutRecipient(c *pdk.Context, req *v1.PayoutServiceCreateRecipientRequest, res *pdk.Response) (*v1.PayoutServiceCreateRecipientResponse, error) {
	a, err := readAnswer(res, secretsOf(c, nil))
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		return nil, a.Err.pluginError()
	}
	id, err := requireID(a.Obj, "external account")
	if err != nil {
		return nil, err
	}
	out := &v1.PayoutServiceCreateRecipientResponse{
		ConnectorRecipientId: id,
		DisplayName:          firstNonEmpty(str(a.Obj, "bank_name"), str(a.Obj, "brand")),
		Last4:                str(a.Obj, "last4"),
		ConnectorHttpStatus:  int32(res.Status),
	}
	// A bank account carries a status; one Stripe cannot pay into (or one
	// this plugin does not know) is reported as an error, never as usable.
	if status := str(a.Obj, "status"); status != "" && !usableBankAccount[status] {
		msg := "the bank account's status is " + status + ": payouts to it would fail"
		out.Error = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: msg,
			Connector: &v1.ConnectorError{Code: status, Message: msg, HttpStatus: int32(res.Status), RequestId: a.RequestID}}
	}
	return out, nil
}

// usableBankAccount are the BankAccount statuses Stripe pays out to;
// verification_failed and errored (and statuses added later) are not.
var usableBankAccount = map[string]bool{"new": true, "validated": true, "verified": true}

// payoutEvent reads a payout.* event's Payout.
func payoutEvent(obj *fastjson.Value) *v1.PayoutEvent {
	pe := &v1.PayoutEvent{ConnectorPayoutId: str(obj, "id"), Status: payoutStatuses.Get(str(obj, "status"))}
	if p, err := parsePayout(obj, 200, ""); err == nil {
		pe.Status, pe.Amount, pe.Error, pe.MerchantPayoutId = p.Status, p.Amount, p.Error, p.MerchantID
	}
	return pe
}
