package stripe

import (
	"strconv"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// Payouts move money from the Stripe balance to one of the account's own
// external accounts (a bank account or debit card registered with
// CreateRecipient).
type (
	payoutIn          = v1.PayoutServiceCreateRequest
	payoutGetIn       = v1.PayoutServiceGetRequest
	payoutCancelIn    = v1.PayoutServiceCancelRequest
	payoutRecipientIn = v1.PayoutServiceCreateRecipientRequest
)

// payoutStatuses maps Payout.status. A paid payout later returned by the
// bank stays "paid" with reversed_by set, or turns "failed": see readPayout.
var payoutStatuses = statusmap.Grouped(map[v1.PayoutStatus]string{
	v1.PayoutStatus_PAYOUT_STATUS_PENDING: "pending", v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT: "in_transit",
	v1.PayoutStatus_PAYOUT_STATUS_PAID: "paid", v1.PayoutStatus_PAYOUT_STATUS_FAILED: "failed",
	v1.PayoutStatus_PAYOUT_STATUS_CANCELED: "canceled",
}, v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN)

// payoutFailureCodes maps Payout.failure_code to unified codes; others are
// PROCESSING_ERROR with the raw code kept.
var payoutFailureCodes = statusmap.Grouped(map[v1.ErrorCode]string{
	v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS:     "insufficient_funds",
	v1.ErrorCode_ERROR_CODE_INVALID_REQUEST:        "invalid_account_number incorrect_account_holder_name no_account",
	v1.ErrorCode_ERROR_CODE_CURRENCY_NOT_SUPPORTED: "invalid_currency",
	v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED:     "unsupported_card",
	v1.ErrorCode_ERROR_CODE_CARD_DECLINED:          "account_closed account_frozen bank_account_restricted declined",
	v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED:      "debit_not_authorized",
}, v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)

// payoutCreateHandler pays out to a registered external account.
var payoutCreateHandler = &pdk.Call[*payoutIn, *v1.PayoutServiceCreateResponse]{
	API: api, Method: "POST", Path: "/v1/payouts",
	Check: func(_ *pdk.Context, req *payoutIn) error { return checkPayoutAmount(req.GetAmount(), "amount") },
	Key:   pdk.Key[*payoutIn]{Op: "payout", Field: "merchant_payout_id", ID: (*payoutIn).GetMerchantPayoutId},
	Body: pdk.Fields[*payoutIn]{
		{Key: "amount", CurrencyKey: "currency", Money: (*payoutIn).GetAmount, Name: "amount", Required: true},
		{Key: "destination", Str: func(r *payoutIn) string { return r.GetRecipient().GetConnectorRecipientId() },
			Required: true, Name: "recipient.connector_recipient_id", Problem: "is required: Stripe pays out only to the account's " +
				"external accounts; register the bank account or card with PayoutService.CreateRecipient first"},
		{Key: "description", Str: (*payoutIn).GetDescription},
		{Key: "method", Str: (*payoutIn).GetSpeed},
	},
	Fill: func(_ *pdk.Context, req *payoutIn, b *pdk.Body) error {
		return writeMetadata(b, req.GetMetadata(), "merchant_payout_id", req.GetMerchantPayoutId())
	},
	Answer: func(_ *pdk.Context, req *payoutIn, a *pdk.Answer) (*v1.PayoutServiceCreateResponse, error) {
		p := readPayout(a)
		return &v1.PayoutServiceCreateResponse{ConnectorPayoutId: p.ConnectorPayoutId, Status: p.Status, Amount: p.Amount, Error: p.Error,
			ArrivalDateUnix: a.Int("arrival_date"),
		}, pdk.CheckAmount(req.GetAmount(), p.Amount, "payout "+p.ConnectorPayoutId)
	},
}

// checkPayoutAmount refuses, before anything is sent, a payout amount Stripe
// would refuse: HUF and TWD are two-decimal for charges but paid out in
// whole units only, so their amount must be divisible by 100
// (https://docs.stripe.com/currencies, special cases). field names the
// amount as the caller wrote it.
func checkPayoutAmount(m *v1.Money, field string) error {
	switch cur := m.GetCurrency(); cur {
	case "HUF", "TWD":
		if n := m.GetMinorAmount(); n%100 != 0 {
			return pdk.InvalidRequest(field+".minor_amount", strconv.FormatInt(n, 10)+" "+cur+
				" must be a multiple of 100: Stripe pays out "+cur+" in whole units only")
		}
	}
	return nil
}

// payoutGetHandler reads a Payout.
var payoutGetHandler = &pdk.Call[*payoutGetIn, *v1.PayoutServiceGetResponse]{
	API: api, Path: "/v1/payouts/{id}",
	Params: pdk.Params[*payoutGetIn]{"id": {Field: "connector_payout_id", Get: (*payoutGetIn).GetConnectorPayoutId}},
	Answer: func(_ *pdk.Context, req *payoutGetIn, a *pdk.Answer) (*v1.PayoutServiceGetResponse, error) {
		p := readPayout(a)
		return &v1.PayoutServiceGetResponse{ConnectorPayoutId: p.ConnectorPayoutId, Status: p.Status, Amount: p.Amount, Error: p.Error,
			ArrivalDateUnix: a.Int("arrival_date")}, pdk.CheckAmount(req.GetAmount(), p.Amount, "payout "+p.ConnectorPayoutId)
	},
}

// payoutCancelHandler cancels a pending payout.
var payoutCancelHandler = &pdk.Call[*payoutCancelIn, *v1.PayoutServiceCancelResponse]{
	API: api, Method: "POST", Path: "/v1/payouts/{id}/cancel",
	Params: pdk.Params[*payoutCancelIn]{"id": {Field: "connector_payout_id", Get: (*payoutCancelIn).GetConnectorPayoutId}},
	Key:    pdk.Key[*payoutCancelIn]{Op: "payout_cancel", Field: "merchant_cancel_id", ID: (*payoutCancelIn).GetMerchantCancelId},
	Read: func(a *pdk.Answer) *v1.PayoutServiceCancelResponse {
		p := readPayout(a)
		return &v1.PayoutServiceCancelResponse{ConnectorPayoutId: p.ConnectorPayoutId, Status: p.Status, Error: p.Error}
	},
}

// payoutRecipientHandler attaches a bank account or card token (btok_...,
// tok_...) to the account_id credential's account. Stripe takes only tokens
// here: raw bank details are refused with the way to make one.
var payoutRecipientHandler = &pdk.Call[*payoutRecipientIn, *v1.PayoutServiceCreateRecipientResponse]{
	API: api, Method: "POST", Path: "/v1/accounts/{account}/external_accounts",
	Params: pdk.Params[*payoutRecipientIn]{"account": {Credential: credAccountID}},
	Key: pdk.Key[*payoutRecipientIn]{Op: "payout_recipient", Field: "merchant_recipient_id",
		ID: (*payoutRecipientIn).GetMerchantRecipientId},
	Body: pdk.Fields[*payoutRecipientIn]{
		{Key: "external_account", Str: func(r *payoutRecipientIn) string { return pdk.First(r.GetProcessorToken(), r.GetCard().GetToken()) },
			Required: true, Name: "processor_token", Problem: "is required: Stripe registers payout destinations from tokens (a bank " +
				"account token btok_... or card token tok_... made with Stripe.js or the Tokens API), not raw bank details"},
		{Key: "metadata.merchant_recipient_id", Str: (*payoutRecipientIn).GetMerchantRecipientId},
	},
	Read: func(a *pdk.Answer) *v1.PayoutServiceCreateRecipientResponse {
		out := &v1.PayoutServiceCreateRecipientResponse{ConnectorRecipientId: a.Require("id"),
			DisplayName: pdk.First(a.Str("bank_name"), a.Str("brand")), Last4: a.Str("last4")}
		// A bank account carries a status; one Stripe cannot pay into (or one
		// this plugin does not know) is reported as an error, never as usable.
		if status := a.Str("status"); status != "" && status != "new" && status != "validated" && status != "verified" {
			msg := "the bank account's status is " + status + ": payouts to it would fail"
			out.Error = a.Failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, status, msg, requestIDHeader)
		}
		return out
	},
}

// readPayout reads a Payout (an answer or an event's object).
func readPayout(a *pdk.Answer) *v1.PayoutEvent {
	a.Expect("object", "payout")
	p := &v1.PayoutEvent{ConnectorPayoutId: a.Require("id"), MerchantPayoutId: a.Str("metadata.merchant_payout_id"),
		Amount: a.Money("amount", "currency"), Status: pdk.Status(a, "status", payoutStatuses)}
	if p.Status == v1.PayoutStatus_PAYOUT_STATUS_PAID && idOf(a, "reversed_by") != "" {
		p.Status = v1.PayoutStatus_PAYOUT_STATUS_REVERSED
	}
	if code := a.Str("failure_code"); code != "" || p.Status == v1.PayoutStatus_PAYOUT_STATUS_FAILED {
		msg := pdk.First(a.Str("failure_message"), "payout failed")
		p.Error = a.Failure(payoutFailureCodes.Get(code), code, msg, requestIDHeader)
	}
	return p
}
