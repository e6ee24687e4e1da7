package executor

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// amountRule compares a request's Money field with the response's.
type amountRule struct {
	request, response string
	// exact demands equality; otherwise the response may not exceed the request.
	exact bool
}

// amountRules are the flows whose answers carry an amount to check.
var amountRules = map[v1.Flow]amountRule{
	v1.Flow_FLOW_AUTHORIZE:                 {"amount", "amount", false},
	v1.Flow_FLOW_CAPTURE:                   {"amount_to_capture", "captured_amount", false},
	v1.Flow_FLOW_GET:                       {"amount", "amount", true},
	v1.Flow_FLOW_REFUND:                    {"refund_amount", "refund_amount", true},
	v1.Flow_FLOW_REFUND_GET:                {"refund_amount", "refund_amount", true},
	v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION: {"amount", "amount", false},
	v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE:  {"amount", "amount", false},
	v1.Flow_FLOW_RECURRING_CHARGE:          {"amount", "amount", false},
}

// checkIntegrity verifies that what the processor returned matches what was
// asked: the amount (never more than requested, or exactly, per flow), the
// currency, the merchant's ids echoed back, and the processor's ids of the
// object the request named.
func checkIntegrity(flow v1.Flow, req, resp abi.Message) error {
	rq, rs := req.ProtoReflect(), resp.ProtoReflect()
	if rule, ok := amountRules[flow]; ok {
		want, got := money(rq, rule.request), money(rs, rule.response)
		if want != nil && got != nil && (got.GetCurrency() != "" || got.GetMinorAmount() != 0) {
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
	// Ids: a field the request and response share must match when both are set.
	fields := rs.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		f := fields.Get(i)
		name := string(f.Name())
		if f.Kind() != protoreflect.StringKind || !strings.HasSuffix(name, "_id") ||
			!(strings.HasPrefix(name, "merchant_") || strings.HasPrefix(name, "connector_")) {
			continue
		}
		rf := rq.Descriptor().Fields().ByName(f.Name())
		if rf == nil || rf.Kind() != protoreflect.StringKind {
			continue
		}
		want, got := rq.Get(rf).String(), rs.Get(f).String()
		if want != "" && got != "" && want != got {
			return fmt.Errorf("%s is %q, the request's is %q", name, got, want)
		}
	}
	return nil
}

func money(m protoreflect.Message, field string) *v1.Money {
	f := m.Descriptor().Fields().ByName(protoreflect.Name(field))
	if f == nil || f.Message() == nil || f.Message().FullName() != "connectorhost.v1.Money" || !m.Has(f) {
		return nil
	}
	mv, _ := m.Get(f).Message().Interface().(*v1.Money)
	return mv
}
