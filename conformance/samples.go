package conformance

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// The suite makes up each flow's base request from the request message's
// descriptor (sampleRequest), so a flow added to the protos is covered with
// no change here: fields are filled by name or message type from the tables
// below, which hold what processors usually need; a field they do not name
// stays empty unless the API marks it required, and then gets a made-up
// value. flowTweaks adjust the few requests that need more than that.

// sampleStrings fill string fields of any request by name.
var sampleStrings = map[protoreflect.Name]string{
	"connector_transaction_id": "conf_txn_1",
	"merchant_transaction_id":  "conf_order_1",
	"merchant_order_id":        "conf_order_1",
	"connector_refund_id":      "conf_refund_ref_1",
	"connector_dispute_id":     "conf_dispute_1",
	"connector_payout_id":      "conf_payout_ref_1",
	"authentication_id":        "conf_auth_1",
	"return_url":               sampleReturnURL,
	"reason":                   "requested_by_customer",
	"cancellation_reason":      "requested_by_customer",
	"defense_reason_code":      "SupplyDefenseMaterial",
	"recurring_model":          "UnscheduledCardOnFile",
	"country":                  "US",
	"domain":                   "merchant.example",
	"device_data_json":         `{"threeDSCompInd":"Y"}`,
}

// sampleEnums fill enum fields by name.
var sampleEnums = map[protoreflect.Name]protoreflect.EnumNumber{
	"future_usage":        protoreflect.EnumNumber(v1.FutureUsage_FUTURE_USAGE_OFF_SESSION),
	"payment_method_type": protoreflect.EnumNumber(v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD),
}

// sampleBools set bool fields by name.
var sampleBools = map[protoreflect.Name]bool{"final_capture": true}

// sampleMaps fill map<string,string> fields by name.
var sampleMaps = map[protoreflect.Name]map[string]string{
	// redirect and 3-D Secure returns: what Adyen, Stripe and ACS answers carry
	"params": {"redirectResult": "conf_redirect_result", "payment_intent": "conf_txn_1", "cres": "conf_cres"},
}

// sampleMessages make message fields by type, in the request's currency.
var sampleMessages = map[protoreflect.FullName]func(currency string) proto.Message{
	"connectorhost.v1.Money":          func(c string) proto.Message { return sampleMoney(c) },
	"connectorhost.v1.Customer":       func(string) proto.Message { return sampleCustomer() },
	"connectorhost.v1.Address":        func(string) proto.Message { return sampleAddress("US") },
	"connectorhost.v1.BrowserInfo":    func(string) proto.Message { return sampleBrowser() },
	"connectorhost.v1.PaymentMethod":  func(string) proto.Message { return sampleCard() },
	"connectorhost.v1.ConnectorState": func(string) proto.Message { return &v1.ConnectorState{} },
	"connectorhost.v1.MandateReference": func(string) proto.Message {
		return &v1.MandateReference{ConnectorMandateId: "conf_mandate_1", ConnectorCustomerId: "conf_customer_1"}
	},
	"connectorhost.v1.CustomerAcceptance": func(string) proto.Message {
		return &v1.CustomerAcceptance{AcceptanceType: "online", AcceptedAtUnix: 1767322800, IpAddress: "192.0.2.10", UserAgent: "Mozilla/5.0"}
	},
}

// sampleLists fill repeated message fields by element type.
var sampleLists = map[protoreflect.FullName]func() []proto.Message{
	"connectorhost.v1.OrderDetail": func() []proto.Message {
		return []proto.Message{sampleOrderDetails()[0]}
	},
	"connectorhost.v1.EvidenceDocument": func() []proto.Message { return []proto.Message{sampleEvidence()[0]} },
}

// flowTweaks finish the requests whose flows need more than the tables.
var flowTweaks = map[v1.Flow]func(m proto.Message){
	v1.Flow_FLOW_AUTHORIZE: func(m proto.Message) {
		proto.Reset(m)
		proto.Merge(m, authorizeRequest(sampleCard(), "USD", "US"))
	},
	v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION: func(m proto.Message) {
		m.(*v1.PaymentServiceIncrementalAuthorizationRequest).Amount.MinorAmount = 1500
	},
	v1.Flow_FLOW_SETUP_RECURRING: func(m proto.Message) {
		m.(*v1.PaymentServiceSetupRecurringRequest).Amount.MinorAmount = 0 // a mandate set-up moves no money
	},
	v1.Flow_FLOW_RECURRING_CHARGE: func(m proto.Message) {
		r := m.(*v1.RecurringPaymentServiceChargeRequest)
		r.MerchantTransactionId = "conf_order_2"
		r.Mandate.NetworkTransactionId = "conf_ntid_1"
	},
	v1.Flow_FLOW_PAYOUT_CREATE: func(m proto.Message) {
		r := m.(*v1.PayoutServiceCreateRequest)
		r.Description = "Conformance payout"
		r.Recipient = &v1.PayoutRecipient{Destination: &v1.PayoutRecipient_ConnectorRecipientId{ConnectorRecipientId: "conf_recipient_1"},
			Customer: sampleCustomer(), Address: sampleAddress("US")}
	},
	v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT: func(m proto.Message) {
		m.(*v1.PayoutServiceCreateRecipientRequest).Destination = &v1.PayoutServiceCreateRecipientRequest_ProcessorToken{ProcessorToken: "conf_recipient_token_1"}
	},
}

// minimalRequest returns a valid unified request for flow, with the fields
// processors usually need filled with sample values.
func minimalRequest(flow v1.Flow) (abi.Message, error) {
	info, err := abi.Lookup(flow)
	if err != nil {
		return nil, err
	}
	m := info.NewRequest()
	if m == nil {
		return nil, fmt.Errorf("no request message for flow %v", flow)
	}
	fillSample(m.ProtoReflect(), flow, "USD")
	if tweak := flowTweaks[flow]; tweak != nil {
		tweak(m)
	}
	return m, nil
}

// fillSample fills the fields of a request from the sample tables.
func fillSample(r protoreflect.Message, flow v1.Flow, currency string) {
	fields := r.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		name := fd.Name()
		switch {
		case fd.IsMap():
			if vals, ok := sampleMaps[name]; ok && fd.MapValue().Kind() == protoreflect.StringKind {
				mp := r.Mutable(fd).Map()
				for k, v := range vals {
					mp.Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfString(v))
				}
			}
		case fd.IsList():
			if fd.Message() != nil {
				if mk, ok := sampleLists[fd.Message().FullName()]; ok {
					l := r.Mutable(fd).List()
					for _, e := range mk() {
						l.Append(protoreflect.ValueOfMessage(e.ProtoReflect()))
					}
				}
			}
		case fd.ContainingOneof() != nil && !fd.HasOptionalKeyword():
			// oneof members are chosen by flowTweaks
		case fd.Kind() == protoreflect.MessageKind:
			if mk, ok := sampleMessages[fd.Message().FullName()]; ok {
				r.Set(fd, protoreflect.ValueOfMessage(mk(currency).ProtoReflect()))
			}
		case fd.Kind() == protoreflect.StringKind:
			if v, ok := sampleStrings[name]; ok {
				r.Set(fd, protoreflect.ValueOfString(v))
			} else if strings.HasPrefix(string(name), "merchant_") && strings.HasSuffix(string(name), "_id") {
				// the merchant's id for the operation: merchant_refund_id is conf_refund_1
				r.Set(fd, protoreflect.ValueOfString("conf_"+strings.TrimSuffix(strings.TrimPrefix(string(name), "merchant_"), "_id")+"_1"))
			}
		case fd.Kind() == protoreflect.EnumKind:
			if v, ok := sampleEnums[name]; ok {
				r.Set(fd, protoreflect.ValueOfEnum(v))
			}
		case fd.Kind() == protoreflect.BoolKind:
			if v, ok := sampleBools[name]; ok {
				r.Set(fd, protoreflect.ValueOfBool(v))
			}
		}
	}
}
