package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// ParsedFrom turns a normalized event (as a verifier builds it, before any
// signature check) into the unverified summary ParseEvent answers: its id,
// type, kind and the ids its payload names. merchantAccount is the
// processor account the payload names, when it names one. Connectors whose
// normalization needs no credentials implement ParseWebhook with it, so
// parsing and verifying read a payload the same way.
func ParsedFrom(ev *v1.Event, merchantAccount string) *v1.ParsedEvent {
	refs := &v1.EventReferences{MerchantAccount: merchantAccount}
	switch p := ev.GetPayload().(type) {
	case *v1.Event_Payment:
		refs.ConnectorTransactionId = p.Payment.GetConnectorTransactionId()
		refs.MerchantReference = p.Payment.GetMerchantTransactionId()
	case *v1.Event_Refund:
		refs.ConnectorRefundId = p.Refund.GetConnectorRefundId()
		refs.ConnectorTransactionId = p.Refund.GetConnectorTransactionId()
		refs.MerchantReference = p.Refund.GetMerchantRefundId()
	case *v1.Event_Dispute:
		refs.ConnectorDisputeId = p.Dispute.GetConnectorDisputeId()
		refs.ConnectorTransactionId = p.Dispute.GetConnectorTransactionId()
	case *v1.Event_Mandate:
		refs.ConnectorTransactionId = p.Mandate.GetConnectorSetupId()
	case *v1.Event_Payout:
		refs.ConnectorPayoutId = p.Payout.GetConnectorPayoutId()
		refs.MerchantReference = p.Payout.GetMerchantPayoutId()
	}
	return &v1.ParsedEvent{
		EventId: ev.GetEventId(), ConnectorEventType: ev.GetConnectorEventType(), Kind: ev.GetKind(),
		References: refs, Livemode: ev.GetLivemode(),
	}
}
