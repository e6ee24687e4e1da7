package executor

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// amountRule compares a request's Money field with the response's. The
// fields are read with the generated getters (method expressions), so a
// renamed field breaks the build instead of switching the check off.
type amountRule struct {
	// request and response name the fields in messages.
	request, response string
	// amounts reads them; ok is false when the messages are not the flow's.
	amounts func(req, resp abi.Message) (want, got *v1.Money, ok bool)
	// exact demands equality; otherwise the response may not exceed the request.
	exact bool
}

// amounts makes an amountRule from the two getters.
func amounts[Req, Resp abi.Message](request string, reqAmount func(Req) *v1.Money, response string, respAmount func(Resp) *v1.Money, exact bool) amountRule {
	return amountRule{request: request, response: response, exact: exact,
		amounts: func(req, resp abi.Message) (*v1.Money, *v1.Money, bool) {
			rq, ok1 := req.(Req)
			rs, ok2 := resp.(Resp)
			if !ok1 || !ok2 {
				return nil, nil, false
			}
			return reqAmount(rq), respAmount(rs), true
		}}
}

// amountRules are the flows whose answers carry an amount to check.
var amountRules = map[v1.Flow]amountRule{
	v1.Flow_FLOW_AUTHORIZE: amounts("amount", (*v1.PaymentServiceAuthorizeRequest).GetAmount,
		"amount", (*v1.PaymentServiceAuthorizeResponse).GetAmount, false),
	v1.Flow_FLOW_CAPTURE: amounts("amount_to_capture", (*v1.PaymentServiceCaptureRequest).GetAmountToCapture,
		"captured_amount", (*v1.PaymentServiceCaptureResponse).GetCapturedAmount, false),
	v1.Flow_FLOW_GET: amounts("amount", (*v1.PaymentServiceGetRequest).GetAmount,
		"amount", (*v1.PaymentServiceGetResponse).GetAmount, true),
	v1.Flow_FLOW_REFUND: amounts("refund_amount", (*v1.PaymentServiceRefundRequest).GetRefundAmount,
		"refund_amount", (*v1.PaymentServiceRefundResponse).GetRefundAmount, true),
	v1.Flow_FLOW_REFUND_GET: amounts("refund_amount", (*v1.RefundServiceGetRequest).GetRefundAmount,
		"refund_amount", (*v1.RefundServiceGetResponse).GetRefundAmount, true),
	v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION: amounts("amount", (*v1.PaymentServiceIncrementalAuthorizationRequest).GetAmount,
		"amount", (*v1.PaymentServiceIncrementalAuthorizationResponse).GetAmount, false),
	v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE: amounts("amount", (*v1.PaymentServiceVerifyRedirectResponseRequest).GetAmount,
		"amount", (*v1.PaymentServiceVerifyRedirectResponseResponse).GetAmount, false),
	v1.Flow_FLOW_RECURRING_CHARGE: amounts("amount", (*v1.RecurringPaymentServiceChargeRequest).GetAmount,
		"amount", (*v1.RecurringPaymentServiceChargeResponse).GetAmount, false),
	v1.Flow_FLOW_PAYOUT_CREATE: amounts("amount", (*v1.PayoutServiceCreateRequest).GetAmount,
		"amount", (*v1.PayoutServiceCreateResponse).GetAmount, false),
	v1.Flow_FLOW_PAYOUT_GET: amounts("amount", (*v1.PayoutServiceGetRequest).GetAmount,
		"amount", (*v1.PayoutServiceGetResponse).GetAmount, true),
}

// idField is a string id a request and its response may share: the
// merchant's ids (echoed back) and the processor's ids of the object the
// request names. get reads it through the generated getter (ok is false when
// the message has no such field); set writes it.
type idField struct {
	name protoreflect.Name
	get  func(abi.Message) (string, bool)
}

// set writes v into m's field. Only called on messages get accepted, whose
// descriptor has the field (TestHostFieldsBindToGetters proves the getter
// and the field name go together).
func (f idField) set(m abi.Message, v string) {
	r := m.ProtoReflect()
	if fd := r.Descriptor().Fields().ByName(f.name); fd != nil && fd.Kind() == protoreflect.StringKind {
		r.Set(fd, protoreflect.ValueOfString(v))
	}
}

// id makes an idField from an interface's getter (a method expression such
// as merchantRefundID.GetMerchantRefundId).
func id[I any](name protoreflect.Name, get func(I) string) idField {
	return idField{name: name, get: func(m abi.Message) (string, bool) {
		v, ok := any(m).(I)
		if !ok {
			return "", false
		}
		return get(v), true
	}}
}

// The getters idFields read, one interface each.
type (
	merchantTransactionID  interface{ GetMerchantTransactionId() string }
	merchantCaptureID      interface{ GetMerchantCaptureId() string }
	merchantVoidID         interface{ GetMerchantVoidId() string }
	merchantReversalID     interface{ GetMerchantReversalId() string }
	merchantRefundID       interface{ GetMerchantRefundId() string }
	merchantSetupID        interface{ GetMerchantSetupId() string }
	merchantPayoutID       interface{ GetMerchantPayoutId() string }
	connectorTransactionID interface{ GetConnectorTransactionId() string }
	connectorRefundID      interface{ GetConnectorRefundId() string }
	connectorDisputeID     interface{ GetConnectorDisputeId() string }
	connectorPayoutID      interface{ GetConnectorPayoutId() string }
)

// idFields are every id that a flow's request and response share (the
// proto's merchant_*_id and connector_*_id fields present in both).
var idFields = []idField{
	id("merchant_transaction_id", merchantTransactionID.GetMerchantTransactionId),
	id("merchant_capture_id", merchantCaptureID.GetMerchantCaptureId),
	id("merchant_void_id", merchantVoidID.GetMerchantVoidId),
	id("merchant_reversal_id", merchantReversalID.GetMerchantReversalId),
	id("merchant_refund_id", merchantRefundID.GetMerchantRefundId),
	id("merchant_setup_id", merchantSetupID.GetMerchantSetupId),
	id("merchant_payout_id", merchantPayoutID.GetMerchantPayoutId),
	id("connector_transaction_id", connectorTransactionID.GetConnectorTransactionId),
	id("connector_refund_id", connectorRefundID.GetConnectorRefundId),
	id("connector_dispute_id", connectorDisputeID.GetConnectorDisputeId),
	id("connector_payout_id", connectorPayoutID.GetConnectorPayoutId),
}

// checkIntegrity verifies that what the processor returned matches what was
// asked: the amount (never more than requested, or exactly, per flow), the
// currency, the merchant's ids echoed back, and the processor's ids of the
// object the request named.
func checkIntegrity(flow v1.Flow, req, resp abi.Message) error {
	if rule, ok := amountRules[flow]; ok {
		want, got, ok := rule.amounts(req, resp)
		if ok && want != nil && got != nil && (got.GetCurrency() != "" || got.GetMinorAmount() != 0) {
			if got.GetCurrency() != want.GetCurrency() {
				return fmt.Errorf("%s currency is %q, the request's is %q", rule.response, got.GetCurrency(), want.GetCurrency())
			}
			if rule.exact && got.GetMinorAmount() != want.GetMinorAmount() {
				return fmt.Errorf("%s is %d, the request's is %d", rule.response, got.GetMinorAmount(), want.GetMinorAmount())
			}
			if !rule.exact && got.GetMinorAmount() > want.GetMinorAmount() {
				return fmt.Errorf("%s is %d, more than the %d requested", rule.response, got.GetMinorAmount(), want.GetMinorAmount())
			}
		}
	}
	// Ids: an id the request and response share must match when both are set.
	for _, f := range idFields {
		want, ok1 := f.get(req)
		got, ok2 := f.get(resp)
		if ok1 && ok2 && want != "" && got != "" && want != got {
			return fmt.Errorf("%s is %q, the request's is %q", f.name, got, want)
		}
	}
	return nil
}
