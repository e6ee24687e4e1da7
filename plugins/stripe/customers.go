package stripe

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
)

var createCustomerHandler = pdk.H(buildCreateCustomer, parseCreateCustomer)

// buildCreateCustomer builds POST /v1/customers. The idempotency key comes
// from merchant_request_id, else the merchant's customer id.
func buildCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest) (*pluginv1.HttpRequest, error) {
	cust := req.GetCustomer()
	if cust == nil {
		return nil, pdk.InvalidRequest("customer", "is required")
	}
	key := optionalMerchantID(c, "customer", req.GetMerchantRequestId(), cust.GetId())
	f := form.New()
	f.SetIf("name", cust.GetName())
	f.SetIf("email", cust.GetEmail())
	f.SetIf("phone", cust.GetPhone())
	f.SetIf("description", cust.GetDescription())
	if a := req.GetAddress(); hasAddress(a) {
		writeAddress(f.Nest("address"), a)
	}
	if err := writeMetadata(f, req.GetMetadata(), "merchant_customer_id", cust.GetId()); err != nil {
		return nil, err
	}
	return post(c, "/v1/customers", key, f)
}

func parseCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest, res *pdk.Response) (*v1.CustomerServiceCreateResponse, error) {
	a, err := readAnswer(res, secretsOf(c, nil))
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		return nil, a.Err.pluginError()
	}
	if obj := str(a.Obj, "object"); obj != "" && obj != "customer" {
		return nil, pdk.InvalidResponse("answered with a %q object where a customer was expected", obj)
	}
	id, err := requireID(a.Obj, "customer")
	if err != nil {
		return nil, err
	}
	return &v1.CustomerServiceCreateResponse{
		ConnectorCustomerId: id,
		State:               customerState(id),
		ConnectorHttpStatus: int32(res.Status),
	}, nil
}

var tokenizeHandler = pdk.H(buildTokenize, parseTokenize)

// buildTokenize vaults a card: POST /v1/payment_methods with type=card.
// The card number and CVC go only into the form body.
func buildTokenize(c *pdk.Context, req *v1.PaymentMethodServiceTokenizeRequest) (*pluginv1.HttpRequest, error) {
	card := req.GetPaymentMethod().GetCard()
	if card == nil {
		return nil, pdk.Unsupported("only cards can be tokenized")
	}
	key := optionalMerchantID(c, "tokenize", req.GetMerchantRequestId())
	f := form.New()
	f.Set("type", "card")
	if err := writeCard(f.Nest("card"), card, "payment_method.card"); err != nil {
		return nil, err
	}
	p := payer{billing: req.GetBillingAddress(), customer: req.GetCustomer(), holder: card.GetHolderName()}
	if err := writeBillingDetails(f, p, methodSpec{Name: "card"}); err != nil {
		return nil, err
	}
	if err := writeMetadata(f, req.GetMetadata()); err != nil {
		return nil, err
	}
	return post(c, "/v1/payment_methods", key, f)
}

// cardBrands maps PaymentMethod.card.brand.
var cardBrands = map[string]v1.CardNetwork{
	"visa":             v1.CardNetwork_CARD_NETWORK_VISA,
	"mastercard":       v1.CardNetwork_CARD_NETWORK_MASTERCARD,
	"amex":             v1.CardNetwork_CARD_NETWORK_AMEX,
	"discover":         v1.CardNetwork_CARD_NETWORK_DISCOVER,
	"jcb":              v1.CardNetwork_CARD_NETWORK_JCB,
	"diners":           v1.CardNetwork_CARD_NETWORK_DINERS,
	"unionpay":         v1.CardNetwork_CARD_NETWORK_UNIONPAY,
	"cartes_bancaires": v1.CardNetwork_CARD_NETWORK_CARTES_BANCAIRES,
	"interac":          v1.CardNetwork_CARD_NETWORK_INTERAC,
}

// parseTokenize returns the payment method id and the card's safe details
// (last four digits, brand, expiry). A card Stripe declines at creation
// (402) comes back as a response with the error and no token.
func parseTokenize(c *pdk.Context, req *v1.PaymentMethodServiceTokenizeRequest, res *pdk.Response) (*v1.PaymentMethodServiceTokenizeResponse, error) {
	out := &v1.PaymentMethodServiceTokenizeResponse{ConnectorHttpStatus: int32(res.Status)}
	a, err := readAnswer(res, secretsOf(c, req.GetPaymentMethod()))
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		if !a.Err.isDecline() {
			return nil, a.Err.pluginError()
		}
		out.Error = a.Err.paymentError()
		return out, nil
	}
	if obj := str(a.Obj, "object"); obj != "" && obj != "payment_method" {
		return nil, pdk.InvalidResponse("answered with a %q object where a payment_method was expected", obj)
	}
	id, err := requireID(a.Obj, "payment_method")
	if err != nil {
		return nil, err
	}
	out.PaymentMethodToken = id
	card := object(a.Obj, "card")
	if last4 := str(card, "last4"); len(last4) <= 4 {
		out.CardLast4 = last4
	}
	out.CardNetwork = cardBrands[strings.ToLower(str(card, "brand"))]
	out.CardExpMonth = int32(num(card, "exp_month"))
	out.CardExpYear = int32(num(card, "exp_year"))
	return out, nil
}
