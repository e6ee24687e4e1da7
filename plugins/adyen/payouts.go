package adyen

import (
	"strings"
	"unicode/utf8"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/connectorhost/connector-host/pdk/statusmap"
	"github.com/valyala/fastjson"
)

// Payouts speak one of two Adyen APIs, chosen by the credentials:
//
//   - With credential balance_account_id (Adyen for Platforms / Balance
//     Platform): Transfers API v4. Create is POST /transfers (category bank)
//     from that balance account, Get is GET /transfers/{id}, Cancel is
//     POST /transfers/cancel. Registering a payout destination is a transfer
//     instrument of the Legal Entity Management API, which this connector
//     does not speak: CreateRecipient is refused in this mode.
//   - Without it: the classic Payout API v68. CreateRecipient is
//     POST /storeDetail (a PAYOUT contract for the shopper), Create is
//     POST /storeDetailAndSubmitThirdParty (bank details inline) or
//     POST /submitThirdParty (a stored recipient), Cancel is
//     POST /declineThirdParty. Submitted payouts wait for a reviewer's
//     confirmation in Adyen (/confirmThirdParty, with a reviewer's own
//     credentials), so Create answers PENDING. The classic API has no read:
//     outcomes arrive by webhook (PAYOUT_THIRDPARTY, PAYOUT_DECLINE,
//     PAYOUT_EXPIRE, PAIDOUT_REVERSED), and Get is refused in this mode.

// transferStatuses maps Transfer.status for outgoing bank transfers.
var transferStatuses = statusmap.Grouped(map[v1.PayoutStatus]string{
	v1.PayoutStatus_PAYOUT_STATUS_PENDING:    "received authorised pending pendingApproval approvalPending pendingExecution bookingPending bankTransferPending",
	v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT: "booked bankTransfer",
	v1.PayoutStatus_PAYOUT_STATUS_PAID:       "credited",
	v1.PayoutStatus_PAYOUT_STATUS_FAILED:     "refused rejected failed error expired",
	v1.PayoutStatus_PAYOUT_STATUS_CANCELED:   "cancelled",
	v1.PayoutStatus_PAYOUT_STATUS_REVERSED:   "returned reversed",
}, v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN)

// transferReasons maps Transfer.reason of a failed transfer; others are
// PROCESSING_ERROR with the raw reason kept.
var transferReasons = statusmap.New(map[string]v1.ErrorCode{
	"notEnoughBalance":            v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
	"amountLimitExceeded":         v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
	"declinedByTransactionRule":   v1.ErrorCode_ERROR_CODE_RISK_BLOCKED,
	"counterpartyAccountBlocked":  v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"counterpartyAccountClosed":   v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"counterpartyAccountNotFound": v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"invalidToAccount":            v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"refusedByCounterpartyBank":   v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"counterpartyBankUnavailable": v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
	"counterpartyBankTimedOut":    v1.ErrorCode_ERROR_CODE_TIMEOUT,
}, v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)

// balanceAccount picks the payout API: set, the Transfers API v4 from that
// balance account; empty, the classic Payout API v68.
func balanceAccount(c *pdk.Context) string {
	return strings.TrimSpace(c.Credentials[credBalanceAccount])
}

// buildPayoutCreate builds the payout in the API the credentials select.
func buildPayoutCreate(c *pdk.Context, req *v1.PayoutServiceCreateRequest) (*pluginv1.HttpRequest, error) {
	if req.GetMerchantPayoutId() == "" {
		return nil, pdk.InvalidRequest("merchant_payout_id", "is required: it is the idempotency key")
	}
	value, err := toAdyen("amount", req.GetAmount())
	if err != nil {
		return nil, err
	}
	balance := balanceAccount(c)
	rcpt, id, o := req.GetRecipient(), req.GetMerchantPayoutId(), jsonw.NewObject()
	if balance != "" {
		writeAmount(o, "amount", value, req.GetAmount().GetCurrency())
		o.String("balanceAccountId", balance).String("category", "bank")
		switch {
		case rcpt.GetConnectorRecipientId() != "":
			o.Object("counterparty", func(cp *jsonw.Object) { cp.String("transferInstrumentId", rcpt.GetConnectorRecipientId()) })
		case rcpt.GetBankAccount() != nil:
			if err := writeTransferBank(o, rcpt.GetBankAccount()); err != nil {
				return nil, err
			}
		default:
			return nil, pdk.InvalidRequest("recipient", "must be a bank_account or a connector_recipient_id (transfer instrument) for Adyen transfers")
		}
		o.StringIf("description", truncate(req.GetDescription(), 140)).String("reference", id)
		o.String("priority", map[string]string{"": "regular", "standard": "regular", "instant": "instant"}[req.GetSpeed()])
		return send(c, transfers, "POST", "/transfers", "payout", id, o.Bytes())
	}
	o.String("merchantAccount", merchant(c))
	writeAmount(o, "amount", value, req.GetAmount().GetCurrency())
	o.String("reference", id).Object("recurring", func(r *jsonw.Object) { r.String("contract", "PAYOUT") })
	o.StringIf("shopperStatement", req.GetDescription())
	switch {
	case rcpt.GetConnectorRecipientId() != "":
		// A recipient id is "shopperReference:recurringDetailReference" (the
		// detail reference has no colon).
		i := strings.LastIndexByte(rcpt.GetConnectorRecipientId(), ':')
		if i <= 0 || i == len(rcpt.GetConnectorRecipientId())-1 {
			return nil, pdk.InvalidRequest("recipient.connector_recipient_id", "is not an Adyen recipient id from CreateRecipient (shopperReference:recurringDetailReference)")
		}
		if rcpt.GetCustomer().GetEmail() == "" {
			return nil, pdk.InvalidRequest("recipient.customer.email", "is required by Adyen's payout API")
		}
		o.String("selectedRecurringDetailReference", rcpt.GetConnectorRecipientId()[i+1:])
		o.String("shopperEmail", rcpt.GetCustomer().GetEmail()).String("shopperReference", rcpt.GetConnectorRecipientId()[:i])
		return send(c, payouts, "POST", "/submitThirdParty", "payout", id, o.Bytes())
	case rcpt.GetBankAccount() != nil:
		if err := writeClassicRecipient(o, rcpt.GetCustomer(), rcpt.GetDateOfBirth(), rcpt.GetNationality(), rcpt.GetBankAccount(), "recipient."); err != nil {
			return nil, err
		}
		return send(c, payouts, "POST", "/storeDetailAndSubmitThirdParty", "payout", id, o.Bytes())
	}
	return nil, pdk.InvalidRequest("recipient", "must be a bank_account or a connector_recipient_id for Adyen payouts (card payouts need Adyen's card tokenization)")
}

// writeClassicRecipient writes what the classic Payout API requires of a
// recipient: shopperEmail, shopperReference, dateOfBirth, nationality,
// entityType and the bank account. prefix is where the fields sit in the
// unified request.
func writeClassicRecipient(o *jsonw.Object, cust *v1.Customer, dob, nationality string, b *v1.PayoutBankAccount, prefix string) error {
	for _, f := range [][2]string{{"customer.email", cust.GetEmail()}, {"customer.id", cust.GetId()}, {"date_of_birth", dob}, {"nationality", nationality}} {
		if f[1] == "" {
			return pdk.InvalidRequest(prefix+f[0], "is required by Adyen's payout API")
		}
	}
	entity := map[string]string{"": "NaturalPerson", "individual": "NaturalPerson", "company": "Company"}[b.GetHolderType()]
	if entity == "" {
		return pdk.InvalidRequest("bank_account.holder_type", "must be individual or company")
	}
	if b.GetIban() == "" && b.GetAccountNumber() == "" {
		return pdk.InvalidRequest("bank_account.iban", "or bank_account.account_number is required")
	}
	o.String("shopperEmail", cust.GetEmail()).String("shopperReference", cust.GetId()).String("dateOfBirth", dob)
	o.String("nationality", nationality).String("entityType", entity)
	o.Object("bank", func(w *jsonw.Object) {
		w.StringIf("iban", b.GetIban()).StringIf("bankAccountNumber", b.GetAccountNumber()).StringIf("bankLocationId", b.GetRoutingNumber())
		w.StringIf("bic", b.GetBic()).StringIf("countryCode", b.GetCountry()).String("ownerName", b.GetAccountHolderName())
	})
	return nil
}

// writeTransferBank writes a Transfers API counterparty bank account: an
// IBAN, a US or GB local account, or a number with a BIC.
func writeTransferBank(o *jsonw.Object, b *v1.PayoutBankAccount) error {
	local := b.GetAccountNumber() != "" && b.GetRoutingNumber() != ""
	var id []string
	switch {
	case b.GetIban() != "":
		id = []string{"type", "iban", "iban", b.GetIban(), "bic", b.GetBic()}
	case b.GetCountry() == "US" && local:
		id = []string{"type", "usLocal", "accountNumber", b.GetAccountNumber(), "routingNumber", b.GetRoutingNumber(), "accountType", b.GetAccountType()}
	case b.GetCountry() == "GB" && local:
		id = []string{"type", "ukLocal", "accountNumber", b.GetAccountNumber(), "sortCode", b.GetRoutingNumber()}
	case b.GetAccountNumber() != "" && b.GetBic() != "":
		id = []string{"type", "numberAndBic", "accountNumber", b.GetAccountNumber(), "bic", b.GetBic()}
	default:
		return pdk.InvalidRequest("recipient.bank_account", "needs an iban, a US or GB account and routing number, or an account number with a bic")
	}
	holder := map[bool]string{true: "organization", false: "individual"}[b.GetHolderType() == "company"]
	o.Object("counterparty", func(cp *jsonw.Object) {
		cp.Object("bankAccount", func(ba *jsonw.Object) {
			ba.Object("accountHolder", func(h *jsonw.Object) { h.String("fullName", b.GetAccountHolderName()).String("type", holder) })
			ba.Object("accountIdentification", func(a *jsonw.Object) {
				for i := 0; i < len(id); i += 2 {
					a.StringIf(id[i], id[i+1])
				}
			})
		})
	})
	return nil
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// payoutResult is an Adyen payout answer, in either API.
type payoutResult struct {
	id     string
	status v1.PayoutStatus
	amount *v1.Money
	err    *v1.PaymentError
}

// payoutOf reads a Transfer (transfer true) or a classic submit answer
// (resultCode "[payout-submit-received]", waiting for review, or a
// refusal), and checks the amount against the requested one.
func payoutOf(v *fastjson.Value, httpStatus int, transfer bool, requested *v1.Money) (*payoutResult, error) {
	var r *payoutResult
	var err error
	if transfer {
		r, err = parseTransfer(v, httpStatus)
	} else {
		r, err = parseClassicSubmit(v, requested, httpStatus)
	}
	if err == nil {
		err = pdk.CheckAmount(requested, r.amount, "Adyen's payout "+r.id)
	}
	return r, err
}

func parseTransfer(v *fastjson.Value, httpStatus int) (*payoutResult, error) {
	r := &payoutResult{id: jsonr.Str(v, "id"), status: transferStatuses.Get(jsonr.Str(v, "status"))}
	if r.id == "" {
		return nil, pdk.InvalidResponse("the transfer answer has no id")
	}
	var err error
	if r.amount, err = amountAt(v, "amount"); err != nil {
		return nil, err
	}
	if r.status == v1.PayoutStatus_PAYOUT_STATUS_FAILED {
		reason := jsonr.Str(v, "reason")
		msg := "transfer " + jsonr.Str(v, "status")
		if reason != "" {
			msg += ": " + reason
		}
		r.err = &v1.PaymentError{Code: transferReasons.Get(reason), Message: msg, Connector: &v1.ConnectorError{Code: reason, Message: msg, HttpStatus: int32(httpStatus)}}
	}
	return r, nil
}

func parseClassicSubmit(v *fastjson.Value, requested *v1.Money, httpStatus int) (*payoutResult, error) {
	r := &payoutResult{id: jsonr.Str(v, "pspReference"), amount: requested, status: v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN}
	if r.id == "" {
		return nil, pdk.InvalidResponse("the payout answer has no pspReference")
	}
	switch code := jsonr.Str(v, "resultCode"); code {
	case "[payout-submit-received]", "Received", "Authorised":
		r.status = v1.PayoutStatus_PAYOUT_STATUS_PENDING
	case "Refused", "Error":
		reason := pdk.First(jsonr.Str(v, "refusalReason"), code)
		r.status, r.err = v1.PayoutStatus_PAYOUT_STATUS_FAILED, &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: reason,
			Connector: &v1.ConnectorError{Code: code, Message: reason, HttpStatus: int32(httpStatus), RequestId: r.id}}
	}
	return r, nil
}

func parsePayoutCreate(c *pdk.Context, req *v1.PayoutServiceCreateRequest, res *pdk.Response) (*v1.PayoutServiceCreateResponse, error) {
	v, err := readAnswer(res)
	if err != nil {
		return nil, err
	}
	r, err := payoutOf(v, res.Status, balanceAccount(c) != "", req.GetAmount())
	if err != nil {
		return nil, err
	}
	return &v1.PayoutServiceCreateResponse{ConnectorPayoutId: r.id, Status: r.status, Amount: r.amount, Error: r.err}, nil
}

// payoutGet reads a transfer: GET /transfers/{id}. The classic API has no
// read.
func payoutGet() pdk.Handler[*v1.PayoutServiceGetRequest, *v1.PayoutServiceGetResponse] {
	get := &pdk.Call[*v1.PayoutServiceGetRequest, *v1.PayoutServiceGetResponse]{
		API: api, Base: transfers.base, Path: "/transfers/{id}",
		Params: pdk.Params[*v1.PayoutServiceGetRequest]{"id": {Field: "connector_payout_id", Get: (*v1.PayoutServiceGetRequest).GetConnectorPayoutId}},
		Answer: func(c *pdk.Context, req *v1.PayoutServiceGetRequest, a *pdk.Answer) (*v1.PayoutServiceGetResponse, error) {
			r, err := payoutOf(a.V, a.Res.Status, true, req.GetAmount())
			if err != nil {
				return nil, err
			}
			return &v1.PayoutServiceGetResponse{ConnectorPayoutId: r.id, Status: r.status, Amount: r.amount, Error: r.err}, nil
		},
	}
	return pdk.H(func(c *pdk.Context, req *v1.PayoutServiceGetRequest) (*pluginv1.HttpRequest, error) {
		if balanceAccount(c) == "" {
			return nil, pdk.Unsupported("Adyen's classic Payout API has no endpoint to read a payout: its outcome arrives by webhook " +
				"(PAYOUT_THIRDPARTY, PAYOUT_DECLINE, PAYOUT_EXPIRE, PAIDOUT_REVERSED); payouts made through the Transfers API " +
				"(credential " + credBalanceAccount + ") can be read")
		}
		return get.Build(c, req)
	}, get.Parse)
}

// cancelReq is PayoutService.Cancel's request.
type cancelReq = v1.PayoutServiceCancelRequest

// payoutCancel cancels a payout: POST /transfers/cancel {transferIds} on the
// Transfers API (credential balance_account_id), whose empty 2xx answer
// means the transfer will not be sent, else the classic POST
// /declineThirdParty {merchantAccount, originalReference}, whose
// "[payout-decline-received]" does. Both are keyed "payout_cancel:" and the
// merchant's cancel id.
func payoutCancel() pdk.Handler[*cancelReq, *v1.PayoutServiceCancelResponse] {
	key := pdk.Key[*cancelReq]{Op: "payout_cancel", Field: "merchant_cancel_id", ID: (*cancelReq).GetMerchantCancelId}
	return &pdk.Choice[*cancelReq, *v1.PayoutServiceCancelResponse]{
		When: pdk.ByCredential[*cancelReq](credBalanceAccount),
		Then: &pdk.Call[*cancelReq, *v1.PayoutServiceCancelResponse]{
			API: api, Base: transfers.base, Method: "POST", Path: "/transfers/cancel", Key: key, NoContent: true,
			Body: pdk.Fields[*cancelReq]{{Key: "transferIds[]", Str: (*cancelReq).GetConnectorPayoutId, Name: "connector_payout_id", Required: true}},
			Answer: func(*pdk.Context, *cancelReq, *pdk.Answer) (*v1.PayoutServiceCancelResponse, error) {
				return &v1.PayoutServiceCancelResponse{Status: v1.PayoutStatus_PAYOUT_STATUS_CANCELED}, nil
			},
		},
		Else: &pdk.Call[*cancelReq, *v1.PayoutServiceCancelResponse]{
			API: api, Base: payouts.base, Method: "POST", Path: "/declineThirdParty", Key: key,
			Body: pdk.Fields[*cancelReq]{
				{Key: "merchantAccount", Credential: credMerchantAccount},
				{Key: "originalReference", Str: (*cancelReq).GetConnectorPayoutId, Name: "connector_payout_id", Required: true},
			},
			Answer: func(_ *pdk.Context, _ *cancelReq, a *pdk.Answer) (*v1.PayoutServiceCancelResponse, error) {
				out := &v1.PayoutServiceCancelResponse{Status: v1.PayoutStatus_PAYOUT_STATUS_CANCELED}
				if got := a.Str("response"); got != "[payout-decline-received]" {
					out.Status, out.Error = v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN, &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: "decline answered " + got,
						Connector: &v1.ConnectorError{Code: got, HttpStatus: int32(a.HTTPStatus()), RequestId: a.Str("pspReference")}}
				}
				return out, nil
			},
		},
	}
}

// buildPayoutRecipient builds the classic POST /storeDetail.
func buildPayoutRecipient(c *pdk.Context, req *v1.PayoutServiceCreateRecipientRequest) (*pluginv1.HttpRequest, error) {
	if req.GetMerchantRecipientId() == "" {
		return nil, pdk.InvalidRequest("merchant_recipient_id", "is required: it is the idempotency key")
	}
	balance := balanceAccount(c)
	if balance != "" {
		return nil, pdk.Unsupported("with " + credBalanceAccount + " (Transfers API) payout destinations are transfer instruments of Adyen's " +
			"Legal Entity Management API, which this connector does not call; pay a bank_account inline or a transfer instrument id")
	}
	if req.GetBankAccount() == nil {
		return nil, pdk.InvalidRequest("bank_account", "is required: Adyen stores payout destinations from bank details")
	}
	o := jsonw.NewObject().String("merchantAccount", merchant(c)).Object("recurring", func(r *jsonw.Object) { r.String("contract", "PAYOUT") })
	if err := writeClassicRecipient(o, req.GetCustomer(), req.GetDateOfBirth(), req.GetNationality(), req.GetBankAccount(), ""); err != nil {
		return nil, err
	}
	return send(c, payouts, "POST", "/storeDetail", "payout_recipient", req.GetMerchantRecipientId(), o.Bytes())
}

// parsePayoutRecipient answers the recipient id a classic payout to a stored
// recipient needs: "shopperReference:recurringDetailReference".
func parsePayoutRecipient(_ *pdk.Context, req *v1.PayoutServiceCreateRecipientRequest, res *pdk.Response) (*v1.PayoutServiceCreateRecipientResponse, error) {
	v, err := readAnswer(res)
	if err != nil {
		return nil, err
	}
	detail := jsonr.Str(v, "recurringDetailReference")
	if detail == "" || strings.Contains(detail, ":") {
		return nil, pdk.InvalidResponse("the storeDetail answer has no usable recurringDetailReference")
	}
	if code := jsonr.Str(v, "resultCode"); code != "Success" {
		return nil, &pdk.Error{Kind: pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, Message: "storeDetail answered " + code,
			Detail: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: "storeDetail answered " + code,
				Connector: &v1.ConnectorError{Code: code, HttpStatus: int32(res.Status), RequestId: jsonr.Str(v, "pspReference")}}}
	}
	last4 := pdk.First(req.GetBankAccount().GetIban(), req.GetBankAccount().GetAccountNumber())
	if len(last4) > 4 {
		last4 = last4[len(last4)-4:]
	}
	return &v1.PayoutServiceCreateRecipientResponse{ConnectorRecipientId: req.GetCustomer().GetId() + ":" + detail, DisplayName: "bank account", Last4: last4}, nil
}
