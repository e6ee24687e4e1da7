package stripe

import (
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

type (
	customerIn = v1.CustomerServiceCreateRequest
	tokenizeIn = v1.PaymentMethodServiceTokenizeRequest
)

// createCustomerHandler creates a Customer, keyed by merchant_request_id, else the
// merchant's customer id.
var createCustomerHandler = &pdk.Call[*customerIn, *v1.CustomerServiceCreateResponse]{
	API: api, Method: "POST", Path: "/v1/customers",
	Key: pdk.Key[*customerIn]{Op: "customer", ID: (*customerIn).GetMerchantRequestId,
		Fallback: func(r *customerIn) string { return r.GetCustomer().GetId() }},
	Check: func(_ *pdk.Context, req *customerIn) error {
		if req.GetCustomer() == nil {
			return pdk.InvalidRequest("customer", "is required")
		}
		return nil
	},
	Body: pdk.Fields[*customerIn]{
		{Key: "name", Str: func(r *customerIn) string { return r.GetCustomer().GetName() }},
		{Key: "email", Str: func(r *customerIn) string { return r.GetCustomer().GetEmail() }},
		{Key: "phone", Str: func(r *customerIn) string { return r.GetCustomer().GetPhone() }},
		{Key: "description", Str: func(r *customerIn) string { return r.GetCustomer().GetDescription() }},
	},
	Fill: func(_ *pdk.Context, req *customerIn, b *pdk.Body) error {
		writeAddress(b, "address.", req.GetAddress())
		return writeMetadata(b, req.GetMetadata(), "merchant_customer_id", req.GetCustomer().GetId())
	},
	Answer: func(_ *pdk.Context, _ *customerIn, a *pdk.Answer) (*v1.CustomerServiceCreateResponse, error) {
		a.Expect("object", "customer")
		id := a.Require("id")
		return &v1.CustomerServiceCreateResponse{ConnectorCustomerId: id, State: pdk.CustomerState(id)}, nil
	},
}

// cardBrands maps PaymentMethod.card.brand.
var cardBrands = statusmap.Grouped(map[v1.CardNetwork]string{
	v1.CardNetwork_CARD_NETWORK_VISA: "visa", v1.CardNetwork_CARD_NETWORK_MASTERCARD: "mastercard",
	v1.CardNetwork_CARD_NETWORK_AMEX: "amex", v1.CardNetwork_CARD_NETWORK_DISCOVER: "discover", v1.CardNetwork_CARD_NETWORK_JCB: "jcb",
	v1.CardNetwork_CARD_NETWORK_DINERS: "diners", v1.CardNetwork_CARD_NETWORK_UNIONPAY: "unionpay",
	v1.CardNetwork_CARD_NETWORK_CARTES_BANCAIRES: "cartes_bancaires", v1.CardNetwork_CARD_NETWORK_INTERAC: "interac",
}, v1.CardNetwork_CARD_NETWORK_UNSPECIFIED)

// tokenizeHandler vaults a card: POST /v1/payment_methods with type=card, the
// card number and CVC only in the form body. The answer carries the
// payment method id and the card's safe details (last four digits, brand,
// expiry); a card Stripe declines at creation (402) is a response with the
// error and no token.
var tokenizeHandler = &pdk.Call[*tokenizeIn, *v1.PaymentMethodServiceTokenizeResponse]{
	API: api, Method: "POST", Path: "/v1/payment_methods",
	Key: pdk.Key[*tokenizeIn]{Op: "tokenize", ID: (*tokenizeIn).GetMerchantRequestId},
	Check: func(_ *pdk.Context, req *tokenizeIn) error {
		if req.GetPaymentMethod().GetCard() == nil {
			return pdk.Unsupported("only cards can be tokenized")
		}
		return nil
	},
	Body: pdk.Fields[*tokenizeIn]{{Key: "type", Const: "card"}},
	Fill: func(_ *pdk.Context, req *tokenizeIn, b *pdk.Body) error {
		card := req.GetPaymentMethod().GetCard()
		if err := writeCard(b, "card.", card); err != nil {
			return err
		}
		p := payer{billing: req.GetBillingAddress(), customer: req.GetCustomer(), holder: card.GetHolderName()}
		if err := writeBillingDetails(b, "", p, methodSpec{Name: "card"}); err != nil {
			return err
		}
		return writeMetadata(b, req.GetMetadata())
	},
	Answer: func(_ *pdk.Context, _ *tokenizeIn, a *pdk.Answer) (*v1.PaymentMethodServiceTokenizeResponse, error) {
		a.Expect("object", "payment_method")
		out := &v1.PaymentMethodServiceTokenizeResponse{PaymentMethodToken: a.Require("id"),
			CardNetwork:  cardBrands.Get(strings.ToLower(a.Str("card.brand"))),
			CardExpMonth: int32(a.Int("card.exp_month")), CardExpYear: int32(a.Int("card.exp_year"))}
		if last4 := a.Str("card.last4"); len(last4) <= 4 {
			out.CardLast4 = last4
		}
		return out, nil
	},
	OnDecline: func(_ *pdk.Context, _ *tokenizeIn, e *pdk.Error, _ *pdk.Answer) (*v1.PaymentMethodServiceTokenizeResponse, error) {
		return &v1.PaymentMethodServiceTokenizeResponse{Error: e.Detail}, nil
	},
}
