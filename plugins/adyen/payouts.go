package adyen

import (
	"net/url"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
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
const (
	credBalanceAccount = "balance_account_id"

	payoutPath    = "/pal/servlet/Payout/v68"
	transfersPath = "/btl/v4"

	configPayoutURL    = "payout_base_url"
	configTransfersURL = "transfers_base_url"
)

var (
	payoutCreateHandler    = pdk.H(buildPayoutCreate, parsePayoutCreate)
	payoutGetHandler       = pdk.H(buildPayoutGet, parsePayoutGet)
	payoutCancelHandler    = pdk.H(buildPayoutCancel, parsePayoutCancel)
	payoutRecipientHandler = pdk.H(buildPayoutRecipient, parsePayoutRecipient)
)

// transferStatuses maps Transfer.status for outgoing bank transfers.
var transferStatuses = statusmap.New(map[string]v1.PayoutStatus{
	"received":            v1.PayoutStatus_PAYOUT_STATUS_PENDING,
	"authorised":          v1.PayoutStatus_PAYOUT_STATUS_PENDING,
	"pending":             v1.PayoutStatus_PAYOUT_STATUS_PENDING,
	"pendingApproval":     v1.PayoutStatus_PAYOUT_STATUS_PENDING,
	"approvalPending":     v1.PayoutStatus_PAYOUT_STATUS_PENDING,
	"pendingExecution":    v1.PayoutStatus_PAYOUT_STATUS_PENDING,
	"bookingPending":      v1.PayoutStatus_PAYOUT_STATUS_PENDING,
	"bankTransferPending": v1.PayoutStatus_PAYOUT_STATUS_PENDING,
	"booked":              v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT,
	"bankTransfer":        v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT,
	"credited":            v1.PayoutStatus_PAYOUT_STATUS_PAID,
	"refused":             v1.PayoutStatus_PAYOUT_STATUS_FAILED,
	"rejected":            v1.PayoutStatus_PAYOUT_STATUS_FAILED,
	"failed":              v1.PayoutStatus_PAYOUT_STATUS_FAILED,
	"error":               v1.PayoutStatus_PAYOUT_STATUS_FAILED,
	"expired":             v1.PayoutStatus_PAYOUT_STATUS_FAILED,
	"cancelled":           v1.PayoutStatus_PAYOUT_STATUS_CANCELED,
	"returned":            v1.PayoutStatus_PAYOUT_STATUS_REVERSED,
	"reversed":            v1.PayoutStatus_PAYOUT_STATUS_REVERSED,
}, v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN)

// transferReasons maps Transfer.reason of a failed transfer; others are
// PROCESSING_ERROR with the raw reason kept.
var transferReasons = map[string]v1.ErrorCode{
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
}

// payoutBase returns the Payout API v68 base URL: config payout_base_url,
// else Adyen's test or live host by the Checkout base, else (an operator
// override) the Checkout base's origin + /pal/servlet/Payout/v68.
func payoutBase(c *pdk.Context) (string, error) {
	return serviceBase(c, configPayoutURL, "https://pal-test.adyen.com"+payoutPath,
		"https://{live_url_prefix}-pal-live.adyenpayments.com"+payoutPath, payoutPath)
}

// transfersBase returns the Transfers API v4 base URL, chosen as payoutBase.
func transfersBase(c *pdk.Context) (string, error) {
	return serviceBase(c, configTransfersURL, "https://balanceplatform-api-test.adyen.com"+transfersPath,
		"https://balanceplatform-api-live.adyen.com"+transfersPath, transfersPath)
}

// payoutCredentials are the credentials of a payout call and its API.
type payoutCredentials struct {
	credentials
	balanceAccount string // set: Transfers API v4; empty: classic Payout API v68
}

func requirePayoutCredentials(c *pdk.Context) (payoutCredentials, error) {
	cr, err := requireCredentials(c)
	return payoutCredentials{credentials: cr, balanceAccount: strings.TrimSpace(c.Credentials[credBalanceAccount])}, err
}

// entityType is Adyen's entityType for a bank account holder type.
func entityType(holderType string) (string, error) {
	switch holderType {
	case "", "individual":
		return "NaturalPerson", nil
	case "company":
		return "Company", nil
	}
	return "", pdk.InvalidRequest("bank_account.holder_type", "must be individual or company")
}

// classicHolder writes the shopper fields the classic Payout API requires
// for a recipient: shopperEmail, shopperReference, dateOfBirth,
// nationality, entityType.
func classicHolder(o *jsonw.Object, cust *v1.Customer, dob, nationality, holderType, prefix string) error {
	if cust.GetEmail() == "" {
		return pdk.InvalidRequest(prefix+"customer.email", "is required by Adyen's payout API")
	}
	if cust.GetId() == "" {
		return pdk.InvalidRequest(prefix+"customer.id", "is required by Adyen's payout API (it is the shopperReference)")
	}
	if dob == "" {
		return pdk.InvalidRequest(prefix+"date_of_birth", "is required by Adyen's payout API")
	}
	if nationality == "" {
		return pdk.InvalidRequest(prefix+"nationality", "is required by Adyen's payout API")
	}
	et, err := entityType(holderType)
	if err != nil {
		return err
	}
	o.String("shopperEmail", cust.GetEmail())
	o.String("shopperReference", cust.GetId())
	o.String("dateOfBirth", dob)
	o.String("nationality", nationality)
	o.String("entityType", et)
	return nil
}

// writeClassicBank writes a classic BankAccount.
func writeClassicBank(o *jsonw.Object, b *v1.PayoutBankAccount) error {
	if b.GetIban() == "" && b.GetAccountNumber() == "" {
		return pdk.InvalidRequest("bank_account.iban", "or bank_account.account_number is required")
	}
	o.Object("bank", func(bank *jsonw.Object) {
		bank.StringIf("iban", b.GetIban())
		bank.StringIf("bankAccountNumber", b.GetAccountNumber())
		bank.StringIf("bankLocationId", b.GetRoutingNumber())
		bank.StringIf("bic", b.GetBic())
		bank.StringIf("countryCode", b.GetCountry())
		bank.String("ownerName", b.GetAccountHolderName())
	})
	return nil
}

// recipientID joins what a classic payout to a stored recipient needs:
// the shopperReference and the recurringDetailReference.
func recipientID(shopperRef, detailRef string) string { return shopperRef + ":" + detailRef }

// splitRecipientID reverses recipientID (the detail reference has no colon).
func splitRecipientID(id string) (shopperRef, detailRef string, err error) {
	i := strings.LastIndexByte(id, ':')
	if i <= 0 || i == len(id)-1 {
		return "", "", pdk.InvalidRequest("recipient.connector_recipient_id", "is not an Adyen recipient id from CreateRecipient (shopperReference:recurringDetailReference)")
	}
	return id[:i], id[i+1:], nil
}

// buildPayoutCreate builds the payout in the API the credentials select.
func buildPayoutCreate(c *pdk.Context, req *v1.PayoutServiceCreateRequest) (*pluginv1.HttpRequest, error) {
	if req.GetMerchantPayoutId() == "" {
		return nil, pdk.InvalidRequest("merchant_payout_id", "is required: it is the idempotency key")
	}
	amt, err := toAdyen("amount", req.GetAmount())
	if err != nil {
		return nil, err
	}
	cr, err := requirePayoutCredentials(c)
	if err != nil {
		return nil, err
	}
	rcpt := req.GetRecipient()
	key := idempotencyKey("payout", req.GetMerchantPayoutId())
	if cr.balanceAccount != "" {
		base, err := transfersBase(c)
		if err != nil {
			return nil, err
		}
		o := jsonw.NewObject()
		writeAmount(o, "amount", amt)
		o.String("balanceAccountId", cr.balanceAccount)
		o.String("category", "bank")
		var werr error
		o.Object("counterparty", func(cp *jsonw.Object) {
			switch {
			case rcpt.GetConnectorRecipientId() != "":
				cp.String("transferInstrumentId", rcpt.GetConnectorRecipientId())
			case rcpt.GetBankAccount() != nil:
				werr = writeTransferBank(cp, rcpt.GetBankAccount())
			default:
				werr = pdk.InvalidRequest("recipient", "must be a bank_account or a connector_recipient_id (transfer instrument) for Adyen transfers")
			}
		})
		if werr != nil {
			return nil, werr
		}
		o.StringIf("description", truncate(req.GetDescription(), 140))
		o.String("reference", req.GetMerchantPayoutId())
		o.String("priority", map[string]string{"": "regular", "standard": "regular", "instant": "instant"}[req.GetSpeed()])
		return post(base+"/transfers", cr.credentials, key, o.Bytes()), nil
	}
	base, err := payoutBase(c)
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	o.String("merchantAccount", cr.merchantAccount)
	writeAmount(o, "amount", amt)
	o.String("reference", req.GetMerchantPayoutId())
	o.Object("recurring", func(r *jsonw.Object) { r.String("contract", "PAYOUT") })
	o.StringIf("shopperStatement", req.GetDescription())
	switch {
	case rcpt.GetConnectorRecipientId() != "":
		shopperRef, detailRef, err := splitRecipientID(rcpt.GetConnectorRecipientId())
		if err != nil {
			return nil, err
		}
		if rcpt.GetCustomer().GetEmail() == "" {
			return nil, pdk.InvalidRequest("recipient.customer.email", "is required by Adyen's payout API")
		}
		o.String("selectedRecurringDetailReference", detailRef)
		o.String("shopperEmail", rcpt.GetCustomer().GetEmail())
		o.String("shopperReference", shopperRef)
		return post(base+"/submitThirdParty", cr.credentials, key, o.Bytes()), nil
	case rcpt.GetBankAccount() != nil:
		if err := classicHolder(o, rcpt.GetCustomer(), rcpt.GetDateOfBirth(), rcpt.GetNationality(), rcpt.GetBankAccount().GetHolderType(), "recipient."); err != nil {
			return nil, err
		}
		if err := writeClassicBank(o, rcpt.GetBankAccount()); err != nil {
			return nil, err
		}
		return post(base+"/storeDetailAndSubmitThirdParty", cr.credentials, key, o.Bytes()), nil
	}
	return nil, pdk.InvalidRequest("recipient", "must be a bank_account or a connector_recipient_id for Adyen payouts (card payouts need Adyen's card tokenization)")
}

// writeTransferBank writes a Transfers API counterparty bank account.
func writeTransferBank(cp *jsonw.Object, b *v1.PayoutBankAccount) error {
	var ident func(*jsonw.Object)
	switch {
	case b.GetIban() != "":
		ident = func(a *jsonw.Object) {
			a.String("type", "iban").String("iban", b.GetIban()).StringIf("bic", b.GetBic())
		}
	case b.GetCountry() == "US" && b.GetAccountNumber() != "" && b.GetRoutingNumber() != "":
		ident = func(a *jsonw.Object) {
			a.String("type", "usLocal").String("accountNumber", b.GetAccountNumber()).String("routingNumber", b.GetRoutingNumber()).StringIf("accountType", b.GetAccountType())
		}
	case b.GetCountry() == "GB" && b.GetAccountNumber() != "" && b.GetRoutingNumber() != "":
		ident = func(a *jsonw.Object) {
			a.String("type", "ukLocal").String("accountNumber", b.GetAccountNumber()).String("sortCode", b.GetRoutingNumber())
		}
	case b.GetAccountNumber() != "" && b.GetBic() != "":
		ident = func(a *jsonw.Object) {
			a.String("type", "numberAndBic").String("accountNumber", b.GetAccountNumber()).String("bic", b.GetBic())
		}
	default:
		return pdk.InvalidRequest("recipient.bank_account", "needs an iban, a US or GB account and routing number, or an account number with a bic")
	}
	holder := "individual"
	if b.GetHolderType() == "company" {
		holder = "organization"
	}
	cp.Object("bankAccount", func(ba *jsonw.Object) {
		ba.Object("accountHolder", func(h *jsonw.Object) { h.String("fullName", b.GetAccountHolderName()).String("type", holder) })
		ba.Object("accountIdentification", ident)
	})
	return nil
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// payoutResult is an Adyen payout answer, in either API.
type payoutResult struct {
	id     string
	status v1.PayoutStatus
	amount *v1.Money
	err    *v1.PaymentError
}

// parseTransfer reads a Transfer.
func parseTransfer(v *fastjson.Value, httpStatus int) (*payoutResult, error) {
	id := str(v, "id")
	if id == "" {
		return nil, pdk.InvalidResponse("the transfer answer has no id")
	}
	r := &payoutResult{id: id, status: transferStatuses.Get(str(v, "status"))}
	if value, cur, ok, err := amountAt(v, "amount"); ok && err == nil {
		if r.amount, err = fromAdyen(value, cur); err != nil {
			return nil, pdk.InvalidResponse("transfer amount: %v", err)
		}
	}
	if r.status == v1.PayoutStatus_PAYOUT_STATUS_FAILED {
		reason := str(v, "reason")
		code, ok := transferReasons[reason]
		if !ok {
			code = v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
		}
		msg := "transfer " + str(v, "status")
		if reason != "" {
			msg += ": " + reason
		}
		r.err = &v1.PaymentError{Code: code, Message: msg, Connector: &v1.ConnectorError{Code: reason, Message: msg, HttpStatus: int32(httpStatus)}}
	}
	return r, nil
}

// parseClassicSubmit reads a classic submit answer: resultCode
// "[payout-submit-received]" (waiting for review) or a refusal.
func parseClassicSubmit(v *fastjson.Value, requested *v1.Money, httpStatus int) (*payoutResult, error) {
	psp := str(v, "pspReference")
	if psp == "" {
		return nil, pdk.InvalidResponse("the payout answer has no pspReference")
	}
	r := &payoutResult{id: psp, amount: requested}
	switch code := str(v, "resultCode"); code {
	case "[payout-submit-received]", "Received", "Authorised":
		r.status = v1.PayoutStatus_PAYOUT_STATUS_PENDING
	case "Refused", "Error":
		r.status = v1.PayoutStatus_PAYOUT_STATUS_FAILED
		reason := firstNonEmptyString(str(v, "refusalReason"), code)
		r.err = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: reason,
			Connector: &v1.ConnectorError{Code: code, Message: reason, HttpStatus: int32(httpStatus), RequestId: psp}}
	default:
		r.status = v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN
	}
	return r, nil
}

func firstNonEmptyString(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// readPayoutAnswer checks the HTTP status and parses the JSON object.
func readPayoutAnswer(res *pdk.Response) (*fastjson.Value, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	return parseObject(res)
}

// checkPayoutAmount compares the answered amount with the requested one.
func checkPayoutAmount(want, got *v1.Money, id string) error {
	if want == nil || got == nil {
		return nil
	}
	if want.GetMinorAmount() != got.GetMinorAmount() || want.GetCurrency() != got.GetCurrency() {
		return integrityError("Adyen answered payout %s for %d %s; %d %s was requested", id, got.GetMinorAmount(), got.GetCurrency(), want.GetMinorAmount(), want.GetCurrency())
	}
	return nil
}

func parsePayoutCreate(c *pdk.Context, req *v1.PayoutServiceCreateRequest, res *pdk.Response) (*v1.PayoutServiceCreateResponse, error) {
	v, err := readPayoutAnswer(res)
	if err != nil {
		return nil, err
	}
	var r *payoutResult
	if strings.TrimSpace(c.Credentials[credBalanceAccount]) != "" {
		r, err = parseTransfer(v, res.Status)
	} else {
		r, err = parseClassicSubmit(v, req.GetAmount(), res.Status)
	}
	if err != nil {
		return nil, err
	}
	if err := checkPayoutAmount(req.GetAmount(), r.amount, r.id); err != nil {
		return nil, err
	}
	return &v1.PayoutServiceCreateResponse{ConnectorPayoutId: r.id, Status: r.status, Amount: r.amount, Error: r.err,
		MerchantPayoutId: req.GetMerchantPayoutId(), ConnectorHttpStatus: int32(res.Status)}, nil
}

// buildPayoutGet builds GET /transfers/{id}; the classic API has no read.
func buildPayoutGet(c *pdk.Context, req *v1.PayoutServiceGetRequest) (*pluginv1.HttpRequest, error) {
	cr, err := requirePayoutCredentials(c)
	if err != nil {
		return nil, err
	}
	if cr.balanceAccount == "" {
		return nil, pdk.Unsupported("Adyen's classic Payout API has no endpoint to read a payout: its outcome arrives by webhook " +
			"(PAYOUT_THIRDPARTY, PAYOUT_DECLINE, PAYOUT_EXPIRE, PAIDOUT_REVERSED); payouts made through the Transfers API " +
			"(credential " + credBalanceAccount + ") can be read")
	}
	seg, err := pathSegment("connector_payout_id", req.GetConnectorPayoutId())
	if err != nil {
		return nil, err
	}
	base, err := transfersBase(c)
	if err != nil {
		return nil, err
	}
	return pdk.NewRequest("GET", base+"/transfers/"+seg).
		SecretHeader("X-API-Key", cr.apiKey).
		Header("Accept", "application/json").
		Idempotent().
		Build(), nil
}

func parsePayoutGet(_ *pdk.Context, req *v1.PayoutServiceGetRequest, res *pdk.Response) (*v1.PayoutServiceGetResponse, error) {
	v, err := readPayoutAnswer(res)
	if err != nil {
		return nil, err
	}
	r, err := parseTransfer(v, res.Status)
	if err != nil {
		return nil, err
	}
	if err := checkPayoutAmount(req.GetAmount(), r.amount, r.id); err != nil {
		return nil, err
	}
	return &v1.PayoutServiceGetResponse{ConnectorPayoutId: r.id, Status: r.status, Amount: r.amount, Error: r.err, ConnectorHttpStatus: int32(res.Status)}, nil
}

// buildPayoutCancel builds /transfers/cancel or the classic /declineThirdParty.
func buildPayoutCancel(c *pdk.Context, req *v1.PayoutServiceCancelRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorPayoutId() == "" {
		return nil, pdk.InvalidRequest("connector_payout_id", "is required")
	}
	if req.GetMerchantCancelId() == "" {
		return nil, pdk.InvalidRequest("merchant_cancel_id", "is required: it is the idempotency key")
	}
	cr, err := requirePayoutCredentials(c)
	if err != nil {
		return nil, err
	}
	key := idempotencyKey("payout_cancel", req.GetMerchantCancelId())
	if cr.balanceAccount != "" {
		base, err := transfersBase(c)
		if err != nil {
			return nil, err
		}
		o := jsonw.NewObject()
		o.Array("transferIds", func(a *jsonw.Array) { a.String(req.GetConnectorPayoutId()) })
		return post(base+"/transfers/cancel", cr.credentials, key, o.Bytes()), nil
	}
	base, err := payoutBase(c)
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	o.String("merchantAccount", cr.merchantAccount)
	o.String("originalReference", req.GetConnectorPayoutId())
	return post(base+"/declineThirdParty", cr.credentials, key, o.Bytes()), nil
}

// parsePayoutCancel reads the cancel answer: an empty 200/202 from
// /transfers/cancel, or "[payout-decline-received]" from /declineThirdParty.
// Both mean the payout will not be sent.
func parsePayoutCancel(c *pdk.Context, req *v1.PayoutServiceCancelRequest, res *pdk.Response) (*v1.PayoutServiceCancelResponse, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	out := &v1.PayoutServiceCancelResponse{ConnectorPayoutId: req.GetConnectorPayoutId(), Status: v1.PayoutStatus_PAYOUT_STATUS_CANCELED, ConnectorHttpStatus: int32(res.Status)}
	if strings.TrimSpace(c.Credentials[credBalanceAccount]) != "" {
		return out, nil
	}
	v, err := parseObject(res)
	if err != nil {
		return nil, err
	}
	if got := str(v, "response"); got != "[payout-decline-received]" {
		out.Status = v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN
		out.Error = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: "decline answered " + got,
			Connector: &v1.ConnectorError{Code: got, HttpStatus: int32(res.Status), RequestId: str(v, "pspReference")}}
	}
	return out, nil
}

// buildPayoutRecipient builds the classic POST /storeDetail.
func buildPayoutRecipient(c *pdk.Context, req *v1.PayoutServiceCreateRecipientRequest) (*pluginv1.HttpRequest, error) {
	if req.GetMerchantRecipientId() == "" {
		return nil, pdk.InvalidRequest("merchant_recipient_id", "is required: it is the idempotency key")
	}
	cr, err := requirePayoutCredentials(c)
	if err != nil {
		return nil, err
	}
	if cr.balanceAccount != "" {
		return nil, pdk.Unsupported("with " + credBalanceAccount + " (Transfers API) payout destinations are transfer instruments of Adyen's " +
			"Legal Entity Management API, which this connector does not call; pay a bank_account inline or a transfer instrument id")
	}
	if req.GetBankAccount() == nil {
		return nil, pdk.InvalidRequest("bank_account", "is required: Adyen stores payout destinations from bank details")
	}
	base, err := payoutBase(c)
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	o.String("merchantAccount", cr.merchantAccount)
	o.Object("recurring", func(r *jsonw.Object) { r.String("contract", "PAYOUT") })
	if err := classicHolder(o, req.GetCustomer(), req.GetDateOfBirth(), req.GetNationality(), req.GetBankAccount().GetHolderType(), ""); err != nil {
		return nil, err
	}
	if err := writeClassicBank(o, req.GetBankAccount()); err != nil {
		return nil, err
	}
	return post(base+"/storeDetail", cr.credentials, idempotencyKey("payout_recipient", req.GetMerchantRecipientId()), o.Bytes()), nil
}

func parsePayoutRecipient(_ *pdk.Context, req *v1.PayoutServiceCreateRecipientRequest, res *pdk.Response) (*v1.PayoutServiceCreateRecipientResponse, error) {
	v, err := readPayoutAnswer(res)
	if err != nil {
		return nil, err
	}
	detail := str(v, "recurringDetailReference")
	if detail == "" || strings.Contains(detail, ":") {
		return nil, pdk.InvalidResponse("the storeDetail answer has no usable recurringDetailReference")
	}
	if code := str(v, "resultCode"); code != "Success" {
		return nil, &pdk.Error{Kind: pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, Message: "storeDetail answered " + code,
			Detail: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: "storeDetail answered " + code,
				Connector: &v1.ConnectorError{Code: code, HttpStatus: int32(res.Status), RequestId: str(v, "pspReference")}}}
	}
	b := req.GetBankAccount()
	number := firstNonEmptyString(b.GetIban(), b.GetAccountNumber())
	last4 := number
	if len(last4) > 4 {
		last4 = last4[len(last4)-4:]
	}
	return &v1.PayoutServiceCreateRecipientResponse{
		ConnectorRecipientId: recipientID(req.GetCustomer().GetId(), detail),
		DisplayName:          "bank account", Last4: last4, ConnectorHttpStatus: int32(res.Status),
	}, nil
}

// payoutEvent maps the classic payout eventCodes of standard notifications.
func payoutEvent(n notification) *v1.PayoutEvent {
	pe := &v1.PayoutEvent{ConnectorPayoutId: firstNonEmptyString(n.original, n.psp), MerchantPayoutId: n.merchantRef, Amount: n.amount}
	switch n.eventCode {
	case "PAYOUT_THIRDPARTY":
		pe.Status = v1.PayoutStatus_PAYOUT_STATUS_PAID
		if !n.success {
			pe.Status = v1.PayoutStatus_PAYOUT_STATUS_FAILED
			pe.Error = n.failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)
		}
	case "PAYOUT_DECLINE":
		pe.Status = v1.PayoutStatus_PAYOUT_STATUS_CANCELED
	case "PAYOUT_EXPIRE":
		pe.Status = v1.PayoutStatus_PAYOUT_STATUS_FAILED
		pe.Error = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: "the payout expired before it was confirmed",
			Connector: &v1.ConnectorError{Type: n.eventCode, Message: n.reason, RequestId: n.psp}}
	case "PAIDOUT_REVERSED":
		pe.Status = v1.PayoutStatus_PAYOUT_STATUS_REVERSED
	}
	return pe
}

// serviceBase chooses the base URL of an Adyen API beside Checkout: the
// operator's config key when set; the test or live URL when the Checkout
// base is Adyen's own (live URLs may carry {live_url_prefix}); otherwise (an
// operator override such as a test server) the Checkout base's origin + path.
func serviceBase(c *pdk.Context, configKey, testURL, liveURL, path string) (string, error) {
	if v := c.Config[configKey]; v != "" {
		return strings.TrimRight(v, "/"), nil
	}
	base, err := checkoutBase(c)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "base URL %q is not an absolute URL", base)
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "checkout-test.adyen.com":
		return testURL, nil
	case strings.HasSuffix(host, ".adyen.com") || strings.HasSuffix(host, ".adyenpayments.com"):
		if c.Environment != pluginv1.Environment_ENVIRONMENT_LIVE && !strings.HasSuffix(host, "-checkout-live.adyenpayments.com") {
			return testURL, nil
		}
		if strings.Contains(liveURL, livePrefixPlaceholder) {
			prefix := c.Credentials[credLivePrefix]
			if !dnsLabel(prefix) {
				return "", pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "credential %q (a DNS label) is required for Adyen's live endpoints", credLivePrefix)
			}
			liveURL = strings.ReplaceAll(liveURL, livePrefixPlaceholder, prefix)
		}
		return liveURL, nil
	default:
		return u.Scheme + "://" + u.Host + path, nil
	}
}
