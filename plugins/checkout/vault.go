package checkout

import (
	"cmp"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// buildCreateCustomer builds POST /customers (StoreCustomerRequest; email is required).
func buildCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest) (*pluginv1.HttpRequest, error) {
	cust := req.GetCustomer()
	if cust.GetEmail() == "" {
		return nil, pdk.InvalidRequest("customer.email", "is required by Checkout.com")
	}
	key := cmp.Or(req.GetMerchantRequestId(), cust.GetId())
	if key == "" {
		return nil, pdk.InvalidRequest("merchant_request_id", "or customer.id is required (idempotency key)")
	}
	o := jsonw.NewObject()
	o.String("email", cust.GetEmail())
	o.StringIf("name", cust.GetName())
	if ph := cmp.Or(cust.GetPhone(), req.GetAddress().GetPhone()); ph != "" {
		if len(ph) < 6 || len(ph) > 25 {
			return nil, pdk.InvalidRequest("customer.phone", "must be 6 to 25 characters at Checkout.com")
		}
		o.Object("phone", func(n *jsonw.Object) { n.String("number", ph) })
	}
	md := map[string]string{}
	for k, v := range req.GetMetadata() {
		md[k] = v
	}
	if cust.GetId() != "" {
		md["merchant_customer_id"] = cust.GetId()
	}
	o.SortedStringMap("metadata", md)
	return api.Send(c, "POST", "/customers", "customer:"+key, o.Bytes())
}

func parseCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest, res *pdk.Response) (*v1.CustomerServiceCreateResponse, error) {
	_, id, err := jsonr.ObjectWithID(res, processor, httpError, "customer", "id")
	if err != nil {
		return nil, err
	}
	return pdk.CustomerCreated(id), nil
}

// buildTokenize stores a Frames card token as an instrument (POST /instruments,
// type "token"). Raw card numbers are tokenized with the public key in the
// shopper's browser (Frames), never by the server, so a card is refused.
func buildTokenize(c *pdk.Context, req *v1.PaymentMethodServiceTokenizeRequest) (*pluginv1.HttpRequest, error) {
	tok := ""
	switch m := req.GetPaymentMethod().GetMethod().(type) {
	case *v1.PaymentMethod_Token:
		tok = m.Token.GetToken()
		if !tokenPattern.Match(tok) {
			return nil, pdk.InvalidRequest("payment_method.token.token", "must be a Checkout.com card token (tok_...) from Frames or POST /tokens")
		}
	case nil:
		return nil, pdk.InvalidRequest("payment_method", "is required")
	default:
		return nil, pdk.Unsupported("Checkout.com stores instruments from card tokens: tokenize %s with Frames (public key) and send payment_method.token", pdk.MethodGoType(m))
	}
	key := cmp.Or(req.GetMerchantRequestId(), tok)
	cust := req.GetCustomer()
	custID := cmp.Or(cust.GetConnectorCustomerId(), req.GetState().GetConnectorCustomerId())
	if custID != "" {
		if err := pdk.CheckID("customer.connector_customer_id", custID, customerIDPattern.Match, "cus_..."); err != nil {
			return nil, err
		}
	}
	b := req.GetBillingAddress()
	o := jsonw.NewObject()
	o.String("type", "token")
	o.String("token", tok)
	if b.GetFirstName() != "" || b.GetLastName() != "" || b.GetLine1() != "" || b.GetCountry() != "" {
		o.Object("account_holder", func(h *jsonw.Object) {
			h.StringIf("first_name", b.GetFirstName())
			h.StringIf("last_name", b.GetLastName())
			writeBilling(h, b)
		})
	}
	if custID != "" || cust.GetEmail() != "" {
		o.Object("customer", func(w *jsonw.Object) {
			if custID != "" {
				w.String("id", custID)
			} else {
				w.String("email", cust.GetEmail())
				w.StringIf("name", cust.GetName())
			}
		})
	}
	return api.Send(c, "POST", "/instruments", "instrument:"+key, o.Bytes())
}

func parseTokenize(c *pdk.Context, req *v1.PaymentMethodServiceTokenizeRequest, res *pdk.Response) (*v1.PaymentMethodServiceTokenizeResponse, error) {
	v, id, err := jsonr.ObjectWithID(res, processor, httpError, "instrument", "id")
	if err != nil {
		return nil, err
	}
	out := &v1.PaymentMethodServiceTokenizeResponse{
		PaymentMethodToken: id, CardLast4: jsonr.Str(v, "last4"),
		CardNetwork: pdk.CardNetworkNamed(jsonr.Str(v, "scheme")),
	}
	if len(out.CardLast4) > 4 {
		out.CardLast4 = out.CardLast4[len(out.CardLast4)-4:]
	}
	if n, ok, _ := jsonr.Int(v, "expiry_month"); ok && n >= 1 && n <= 12 {
		out.CardExpMonth = int32(n)
	}
	if n, ok, _ := jsonr.Int(v, "expiry_year"); ok && n >= 2000 && n <= 2200 {
		out.CardExpYear = int32(n)
	}
	out.State = pdk.CustomerState(jsonr.Str(v, "customer", "id"))
	return out, nil
}
