package adyen

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// Payouts speak one of two Adyen APIs, chosen by the credentials:
//
//   - With balance_account_id (Adyen for Platforms): the Transfers API v4 from
//     that balance account (POST /transfers, GET /transfers/{id}, POST
//     /transfers/cancel). Destinations are transfer instruments of the Legal
//     Entity Management API, which this connector does not speak: CreateRecipient is refused.
//   - Without it: the classic Payout API v68 (/storeDetail for a recipient,
//     /storeDetailAndSubmitThirdParty or /submitThirdParty, /declineThirdParty).
//     Submitted payouts wait for a reviewer's /confirmThirdParty (with the
//     reviewer's own credentials), so Create answers PENDING; there is no
//     read: outcomes arrive by webhook (PAYOUT_THIRDPARTY, PAYOUT_DECLINE,
//     PAYOUT_EXPIRE, PAIDOUT_REVERSED).

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
var transferReasons = statusmap.Grouped(map[v1.ErrorCode]string{
	v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS:    "notEnoughBalance",
	v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED:        "amountLimitExceeded",
	v1.ErrorCode_ERROR_CODE_RISK_BLOCKED:          "declinedByTransactionRule refusedForRegulatoryReasons internalReview",
	v1.ErrorCode_ERROR_CODE_CARD_DECLINED:         "counterpartyAccountBlocked counterpartyAccountClosed refusedByCounterpartyBank",
	v1.ErrorCode_ERROR_CODE_INVALID_REQUEST:       "counterpartyAccountNotFound invalidToAccount",
	v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE: "counterpartyBankUnavailable",
	v1.ErrorCode_ERROR_CODE_TIMEOUT:               "counterpartyBankTimedOut",
}, v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)

type (
	payoutIn  = v1.PayoutServiceCreateRequest
	payoutOut = v1.PayoutServiceCreateResponse
)

// transfersMode reports whether payouts use the Transfers API (credential
// balance_account_id set); every payout flow chooses its API with it.
func transfersMode[Req any](c *pdk.Context, req Req) bool {
	return pdk.ByCredential[Req](credBalanceAccount)(c, req)
}

// payoutCreate is a transfer, or a classic submit to a stored recipient or with bank details inline.
func payoutCreate() pdk.Handler[*payoutIn, *payoutOut] {
	key := pdk.Key[*payoutIn]{Op: "payout", Field: "merchant_payout_id", ID: (*payoutIn).GetMerchantPayoutId}
	create := func(svc *pdk.Service, path string, fill func(*pdk.Context, *payoutIn, *pdk.Body) error, transfer bool) *pdk.Call[*payoutIn, *payoutOut] {
		return &pdk.Call[*payoutIn, *payoutOut]{API: api, Base: svc.Base, Method: "POST", Path: path, Key: key, Fill: fill,
			Answer: func(_ *pdk.Context, req *payoutIn, a *pdk.Answer) (*payoutOut, error) {
				p, err := payoutOf(a, transfer, req.GetAmount())
				return &payoutOut{ConnectorPayoutId: p.ConnectorPayoutId, Status: p.Status, Amount: p.Amount, Error: p.Error}, err
			}}
	}
	return &pdk.Choice[*payoutIn, *payoutOut]{
		When: transfersMode[*payoutIn],
		Then: create(transfers, "/transfers", writeTransfer, true),
		Else: &pdk.Choice[*payoutIn, *payoutOut]{
			If:   func(r *payoutIn) bool { return r.GetRecipient().GetConnectorRecipientId() != "" },
			Then: create(payouts, "/submitThirdParty", writeClassicPayout, false),
			Else: create(payouts, "/storeDetailAndSubmitThirdParty", writeClassicPayout, false),
		},
	}
}

// writeTransfer writes a Transfers API bank transfer from the balance account.
func writeTransfer(c *pdk.Context, req *payoutIn, b *pdk.Body) error {
	n, cur, err := amounts.To(req.GetAmount(), "amount")
	if err != nil {
		return err
	}
	rcpt := req.GetRecipient()
	setAmount(b, "amount", n, cur)
	b.Set("balanceAccountId", strings.TrimSpace(c.Credentials[credBalanceAccount]))
	b.Set("category", "bank")
	switch {
	case rcpt.GetConnectorRecipientId() != "":
		b.Set("counterparty.transferInstrumentId", rcpt.GetConnectorRecipientId())
	case rcpt.GetBankAccount() != nil:
		if err := writeTransferBank(b, rcpt.GetBankAccount()); err != nil {
			return err
		}
	default:
		return pdk.InvalidRequest("recipient", "must be a bank_account or a connector_recipient_id (transfer instrument) for Adyen transfers")
	}
	b.SetIf("description", pdk.TruncateBytes(req.GetDescription(), 140))
	b.Set("reference", req.GetMerchantPayoutId())
	b.Set("priority", map[string]string{"": "regular", "standard": "regular", "instant": "instant"}[req.GetSpeed()])
	return nil
}

// writeClassicPayout writes a classic submit: to a stored recipient, whose
// id is "shopperReference:recurringDetailReference" (the detail reference
// has no colon), or with the recipient's bank details inline.
func writeClassicPayout(c *pdk.Context, req *payoutIn, b *pdk.Body) error {
	n, cur, err := amounts.To(req.GetAmount(), "amount")
	if err != nil {
		return err
	}
	rcpt, id := req.GetRecipient(), req.GetRecipient().GetConnectorRecipientId()
	b.Set("merchantAccount", c.Credentials[credMerchantAccount])
	setAmount(b, "amount", n, cur)
	b.Set("reference", req.GetMerchantPayoutId())
	b.Set("recurring.contract", "PAYOUT")
	b.SetIf("shopperStatement", req.GetDescription())
	switch i := strings.LastIndexByte(id, ':'); {
	case id != "" && (i <= 0 || i == len(id)-1):
		return pdk.InvalidRequest("recipient.connector_recipient_id", "is not an Adyen recipient id from CreateRecipient (shopperReference:recurringDetailReference)")
	case id != "" && rcpt.GetCustomer().GetEmail() == "":
		return pdk.InvalidRequest("recipient.customer.email", "is required by Adyen's payout API")
	case id != "":
		b.Set("selectedRecurringDetailReference", id[i+1:])
		b.Set("shopperEmail", rcpt.GetCustomer().GetEmail())
		b.Set("shopperReference", id[:i])
		return nil
	case rcpt.GetBankAccount() != nil:
		return writeClassicRecipient(b, rcpt.GetCustomer(), rcpt.GetDateOfBirth(), rcpt.GetNationality(), rcpt.GetBankAccount(), "recipient.")
	}
	return pdk.InvalidRequest("recipient", "must be a bank_account or a connector_recipient_id for Adyen payouts (card payouts need Adyen's card tokenization)")
}

// writeClassicRecipient writes (and requires) what the classic Payout API
// needs of a recipient; prefix is where its fields sit in the unified request.
func writeClassicRecipient(b *pdk.Body, cust *v1.Customer, dob, nationality string, ba *v1.PayoutBankAccount, prefix string) error {
	for _, f := range [][2]string{{"customer.email", cust.GetEmail()}, {"customer.id", cust.GetId()}, {"date_of_birth", dob}, {"nationality", nationality}} {
		if f[1] == "" {
			return pdk.InvalidRequest(prefix+f[0], "is required by Adyen's payout API")
		}
	}
	entity := map[string]string{"": "NaturalPerson", "individual": "NaturalPerson", "company": "Company"}[ba.GetHolderType()]
	if entity == "" {
		return pdk.InvalidRequest("bank_account.holder_type", "must be individual or company")
	}
	if ba.GetIban() == "" && ba.GetAccountNumber() == "" {
		return pdk.InvalidRequest("bank_account.iban", "or bank_account.account_number is required")
	}
	b.SetPairs("", "shopperEmail", cust.GetEmail(), "shopperReference", cust.GetId(), "dateOfBirth", dob, "nationality", nationality,
		"entityType", entity)
	b.SetPairs("bank.", "iban", ba.GetIban(), "bankAccountNumber", ba.GetAccountNumber(), "bankLocationId", ba.GetRoutingNumber(),
		"bic", ba.GetBic(), "countryCode", ba.GetCountry())
	b.Set("bank.ownerName", ba.GetAccountHolderName())
	return nil
}

// writeTransferBank writes a Transfers API counterparty bank account: an
// IBAN, a US or GB local account, or a number with a BIC.
func writeTransferBank(b *pdk.Body, ba *v1.PayoutBankAccount) error {
	local := ba.GetAccountNumber() != "" && ba.GetRoutingNumber() != ""
	var id []string
	switch {
	case ba.GetIban() != "":
		id = []string{"type", "iban", "iban", ba.GetIban(), "bic", ba.GetBic()}
	case ba.GetCountry() == "US" && local:
		id = []string{"type", "usLocal", "accountNumber", ba.GetAccountNumber(), "routingNumber", ba.GetRoutingNumber(), "accountType", ba.GetAccountType()}
	case ba.GetCountry() == "GB" && local:
		id = []string{"type", "ukLocal", "accountNumber", ba.GetAccountNumber(), "sortCode", ba.GetRoutingNumber()}
	case ba.GetAccountNumber() != "" && ba.GetBic() != "":
		id = []string{"type", "numberAndBic", "accountNumber", ba.GetAccountNumber(), "bic", ba.GetBic()}
	default:
		return pdk.InvalidRequest("recipient.bank_account", "needs an iban, a US or GB account and routing number, or an account number with a bic")
	}
	b.Set("counterparty.bankAccount.accountHolder.fullName", ba.GetAccountHolderName())
	b.Set("counterparty.bankAccount.accountHolder.type", map[bool]string{true: "organization", false: "individual"}[ba.GetHolderType() == "company"])
	b.SetPairs("counterparty.bankAccount.accountIdentification.", id...)
	return nil
}

// payoutOf reads a Transfer (transfer true) or a classic submit answer
// (resultCode "[payout-submit-received]", waiting for review, or a
// refusal), and checks the amount against the requested one. Payout v68
// writes the submit and decline answers with brackets in its examples and
// without in its schema descriptions: both are read.
func payoutOf(a *pdk.Answer, transfer bool, requested *v1.Money) (*v1.PayoutEvent, error) {
	if transfer {
		p, err := readTransfer(a, a.HTTPStatus())
		if err == nil {
			err = pdk.CheckAmount(requested, p.Amount, "Adyen's payout "+p.ConnectorPayoutId)
		}
		return p, err
	}
	p := &v1.PayoutEvent{ConnectorPayoutId: a.Str("pspReference"), Amount: requested, Status: v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN}
	switch code := a.Str("resultCode"); {
	case p.ConnectorPayoutId == "":
		return p, pdk.InvalidResponse("the payout answer has no pspReference")
	case strings.Trim(code, "[]") == "payout-submit-received" || code == "Received" || code == "Authorised":
		p.Status = v1.PayoutStatus_PAYOUT_STATUS_PENDING
	case code == "Refused" || code == "Error":
		reason := pdk.First(a.Str("refusalReason"), code)
		p.Status, p.Error = v1.PayoutStatus_PAYOUT_STATUS_FAILED, a.Failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, code, reason, "")
		p.Error.Connector.RequestId = p.ConnectorPayoutId
	}
	return p, nil
}

// readTransfer reads a Transfer (httpStatus 0 for a webhook's).
func readTransfer(a *pdk.Answer, httpStatus int) (*v1.PayoutEvent, error) {
	p := &v1.PayoutEvent{ConnectorPayoutId: a.Str("id"), MerchantPayoutId: a.Str("reference"), Status: transferStatuses.Get(a.Str("status"))}
	if p.ConnectorPayoutId == "" {
		return p, pdk.InvalidResponse("the transfer answer has no id")
	}
	if p.Amount = amountAt(a, "amount"); a.Err() != nil {
		return p, a.Err()
	}
	// A booked bank transfer stays booked: the webhook's tracking reports
	// what follows (docs.adyen.com/payouts/payout-service/payout-lifecycle):
	// the funds credited to the counterparty (ConfirmationTrackingData), or
	// the payout held for Adyen's internal review (InternalReviewTrackingData:
	// status pending, not sent yet) and refused by it (status failed, with
	// its reason).
	reason, msg := a.Str("reason"), "transfer "+a.Str("status")
	if p.Status == v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT || p.Status == v1.PayoutStatus_PAYOUT_STATUS_PENDING {
		switch track := a.Str("tracking.type") + " " + a.Str("tracking.status"); {
		case track == "confirmation credited" && p.Status == v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT:
			p.Status = v1.PayoutStatus_PAYOUT_STATUS_PAID
		case track == "internalReview pending":
			p.Status = v1.PayoutStatus_PAYOUT_STATUS_PENDING
		case track == "internalReview failed":
			p.Status, reason = v1.PayoutStatus_PAYOUT_STATUS_FAILED, pdk.First(a.Str("tracking.reason"), "internalReview")
			msg = "transfer failed Adyen's internal review"
		}
	}
	if p.Status == v1.PayoutStatus_PAYOUT_STATUS_FAILED {
		if reason != "" {
			msg += ": " + reason
		}
		p.Error = &v1.PaymentError{Code: transferReasons.Get(reason), Message: msg, Connector: &v1.ConnectorError{Code: reason, Message: msg, HttpStatus: int32(httpStatus)}}
	}
	return p, nil
}

type payoutGetIn = v1.PayoutServiceGetRequest

// payoutGet reads a transfer: GET /transfers/{id}. The classic API has no read.
var payoutGet = &pdk.Call[*payoutGetIn, *v1.PayoutServiceGetResponse]{
	API: api, Base: transfers.Base, Path: "/transfers/{id}",
	Check: func(c *pdk.Context, req *payoutGetIn) error {
		if transfersMode(c, req) {
			return nil
		}
		return pdk.Unsupported("Adyen's classic Payout API has no endpoint to read a payout: its outcome arrives by webhook " +
			"(PAYOUT_THIRDPARTY, PAYOUT_DECLINE, PAYOUT_EXPIRE, PAIDOUT_REVERSED); payouts made through the Transfers API " +
			"(credential " + credBalanceAccount + ") can be read")
	},
	Params: pdk.Params[*payoutGetIn]{"id": {Field: "connector_payout_id", Get: (*payoutGetIn).GetConnectorPayoutId}},
	Answer: func(_ *pdk.Context, req *payoutGetIn, a *pdk.Answer) (*v1.PayoutServiceGetResponse, error) {
		p, err := payoutOf(a, true, req.GetAmount())
		return &v1.PayoutServiceGetResponse{ConnectorPayoutId: p.ConnectorPayoutId, Status: p.Status, Amount: p.Amount, Error: p.Error}, err
	},
}

type (
	cancelIn  = v1.PayoutServiceCancelRequest
	cancelOut = v1.PayoutServiceCancelResponse
)

// payoutCancel is POST /transfers/cancel, whose empty 2xx answer means the
// transfer will not be sent, or the classic /declineThirdParty, whose
// "[payout-decline-received]" does.
func payoutCancel() pdk.Handler[*cancelIn, *cancelOut] {
	key := pdk.Key[*cancelIn]{Op: "payout_cancel", Field: "merchant_cancel_id", ID: (*cancelIn).GetMerchantCancelId}
	return &pdk.Choice[*cancelIn, *cancelOut]{
		When: transfersMode[*cancelIn],
		Then: &pdk.Call[*cancelIn, *cancelOut]{
			API: api, Base: transfers.Base, Method: "POST", Path: "/transfers/cancel", Key: key, NoContent: true,
			Body: pdk.Fields[*cancelIn]{{Key: "transferIds[]", Str: (*cancelIn).GetConnectorPayoutId, Name: "connector_payout_id", Required: true}},
			Answer: func(*pdk.Context, *cancelIn, *pdk.Answer) (*cancelOut, error) {
				return &cancelOut{Status: v1.PayoutStatus_PAYOUT_STATUS_CANCELED}, nil
			},
		},
		Else: &pdk.Call[*cancelIn, *cancelOut]{
			API: api, Base: payouts.Base, Method: "POST", Path: "/declineThirdParty", Key: key,
			Body: pdk.Fields[*cancelIn]{
				{Key: "merchantAccount", Credential: credMerchantAccount},
				{Key: "originalReference", Str: (*cancelIn).GetConnectorPayoutId, Name: "connector_payout_id", Required: true},
			},
			Answer: func(_ *pdk.Context, _ *cancelIn, a *pdk.Answer) (*cancelOut, error) {
				out := &cancelOut{Status: v1.PayoutStatus_PAYOUT_STATUS_CANCELED}
				if got := a.Str("response"); strings.Trim(got, "[]") != "payout-decline-received" {
					out.Status, out.Error = v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN, &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
						Message: "decline answered " + got, Connector: &v1.ConnectorError{Code: got, HttpStatus: int32(a.HTTPStatus()), RequestId: a.Str("pspReference")}}
				}
				return out, nil
			},
		},
	}
}

type recipientIn = v1.PayoutServiceCreateRecipientRequest

// payoutRecipient is the classic POST /storeDetail, answering the recipient
// id "shopperReference:recurringDetailReference".
var payoutRecipient = &pdk.Call[*recipientIn, *v1.PayoutServiceCreateRecipientResponse]{
	API: api, Base: payouts.Base, Method: "POST", Path: "/storeDetail",
	Check: func(c *pdk.Context, req *recipientIn) error {
		switch {
		case req.GetMerchantRecipientId() == "":
			return pdk.InvalidRequest("merchant_recipient_id", "is required: it is the idempotency key")
		case transfersMode(c, req):
			return pdk.Unsupported("with " + credBalanceAccount + " (Transfers API) payout destinations are transfer instruments of Adyen's " +
				"Legal Entity Management API, which this connector does not call; pay a bank_account inline or a transfer instrument id")
		case req.GetBankAccount() == nil:
			return pdk.InvalidRequest("bank_account", "is required: Adyen stores payout destinations from bank details")
		}
		return nil
	},
	Key:  pdk.Key[*recipientIn]{Op: "payout_recipient", ID: (*recipientIn).GetMerchantRecipientId},
	Body: pdk.Fields[*recipientIn]{{Key: "merchantAccount", Credential: credMerchantAccount}, {Key: "recurring.contract", Const: "PAYOUT"}},
	Fill: func(_ *pdk.Context, req *recipientIn, b *pdk.Body) error {
		return writeClassicRecipient(b, req.GetCustomer(), req.GetDateOfBirth(), req.GetNationality(), req.GetBankAccount(), "")
	},
	Answer: func(_ *pdk.Context, req *recipientIn, a *pdk.Answer) (*v1.PayoutServiceCreateRecipientResponse, error) {
		// Anything but Success stored nothing (and names no recurringDetailReference).
		if code := a.Str("resultCode"); code != "Success" {
			return nil, &pdk.Error{Kind: pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, Message: "storeDetail answered " + code,
				Detail: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: "storeDetail answered " + code,
					Connector: &v1.ConnectorError{Code: code, HttpStatus: int32(a.HTTPStatus()), RequestId: a.Str("pspReference")}}}
		}
		detail := a.Str("recurringDetailReference")
		if detail == "" || strings.Contains(detail, ":") {
			return nil, pdk.InvalidResponse("the storeDetail answer has no usable recurringDetailReference")
		}
		last4 := pdk.First(req.GetBankAccount().GetIban(), req.GetBankAccount().GetAccountNumber())
		return &v1.PayoutServiceCreateRecipientResponse{ConnectorRecipientId: req.GetCustomer().GetId() + ":" + detail, DisplayName: "bank account",
			Last4: last4[max(0, len(last4)-4):]}, nil
	},
}
