package paypal

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// buildSetupRecurring vaults a card: POST /v3/vault/payment-tokens with the
// card. The PayPal wallet is vaulted with a payment instead (Authorize with
// setup_future_usage), because completing a wallet setup token needs a
// payment-token source type the published Vault v3 spec does not have.
func buildSetupRecurring(c *pdk.Context, r *v1.PaymentServiceSetupRecurringRequest) (*pluginv1.HttpRequest, error) {
	card := r.GetPaymentMethod().GetCard()
	if card == nil {
		return nil, pdk.Unsupported("payment_method: PayPal vaults cards here; vault the PayPal wallet with Authorize and setup_future_usage (vault with purchase)")
	}
	o := jsonw.NewObject()
	customer := r.GetCustomer().GetConnectorCustomerId()
	if customer == "" {
		customer = c.State.GetConnectorCustomerId()
	}
	if customer != "" {
		o.Object("customer", func(x *jsonw.Object) { x.String("id", customer) })
	}
	o.Object("payment_source", cardSource(card, r.GetBillingAddress(), redirects{}, false))
	return post(c, "/v3/vault/payment-tokens", "vault", r.GetMerchantSetupId(), o.Bytes())
}

func parseSetupRecurring(c *pdk.Context, r *v1.PaymentServiceSetupRecurringRequest, res *pdk.Response) (*v1.PaymentServiceSetupRecurringResponse, error) {
	v, err := answer(res)
	if err != nil {
		return nil, err
	}
	id := jsonr.Str(v, "id")
	if id == "" || jsonr.Obj(v, "payment_source", "card") == nil {
		return nil, pdk.InvalidResponse("PayPal's payment token has no id or card")
	}
	m := &v1.MandateReference{ConnectorMandateId: "card:" + id, ConnectorCustomerId: jsonr.Str(v, "customer", "id"), Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE}
	return &v1.PaymentServiceSetupRecurringResponse{
		ConnectorSetupId: id, Mandate: m, Status: m.Status, MerchantSetupId: r.GetMerchantSetupId(),
		State: &v1.ConnectorState{ConnectorCustomerId: m.ConnectorCustomerId},
	}, nil
}

// buildRevoke deletes a payment token.
func buildRevoke(c *pdk.Context, r *v1.RecurringPaymentServiceRevokeRequest) (*pluginv1.HttpRequest, error) {
	_, id, err := splitToken("mandate.connector_mandate_id", r.GetMandate().GetConnectorMandateId())
	if err != nil {
		return nil, err
	}
	b, err := api.NewRequest(c, "DELETE", "/v3/vault/payment-tokens/"+id)
	if err != nil {
		return nil, err
	}
	return b.Idempotent().Build(), nil
}

func parseRevoke(c *pdk.Context, r *v1.RecurringPaymentServiceRevokeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceRevokeResponse, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	if res.Status != 204 {
		return nil, pdk.InvalidResponse("PayPal answered HTTP %d to a payment token deletion; 204 was expected", res.Status)
	}
	return &v1.RecurringPaymentServiceRevokeResponse{Status: v1.MandateStatus_MANDATE_STATUS_REVOKED, ConnectorMandateId: r.GetMandate().GetConnectorMandateId()}, nil
}
