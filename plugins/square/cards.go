package square

import (
	"cmp"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// buildCreateCustomer builds CreateCustomer.
func buildCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest) (*pluginv1.HttpRequest, error) {
	cu := req.GetCustomer()
	given, family := pdk.NameParts(cu.GetName())
	if given == "" && cu.GetEmail() == "" && cu.GetPhone() == "" {
		return nil, pdk.InvalidRequest("customer", "needs a name, email or phone at Square")
	}
	key := idempotencyKey("customer", cmp.Or(req.GetMerchantRequestId(), cu.GetId()))
	if req.GetMerchantRequestId() == "" && cu.GetId() == "" {
		key = randomKey(c, "customer")
	}
	o := jsonw.NewObject()
	o.String("idempotency_key", key)
	o.StringIf("given_name", given)
	o.StringIf("family_name", family)
	o.StringIf("email_address", cu.GetEmail())
	writeAddress(o, "address", req.GetAddress())
	o.StringIf("phone_number", cu.GetPhone())
	o.StringIf("reference_id", cu.GetId())
	o.StringIf("note", cu.GetDescription())
	return api.Send(c, "POST", "/v2/customers", key, o.Bytes())
}

func parseCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest, res *pdk.Response) (*v1.CustomerServiceCreateResponse, error) {
	o, err := object(res, "customer")
	if err != nil {
		return nil, err
	}
	return pdk.CustomerCreated(jsonr.Str(o, "id")), nil
}

// cardPlan is a validated CreateCard request.
type cardPlan struct {
	key, source, customerID, holder, reference string
	billing                                    *v1.Address
}

// newCardPlan validates a card-on-file request. Without a Square customer
// id (the request's or the state's) it asks the host to run
// CustomerService.Create first with the request's customer.
func newCardPlan(c *pdk.Context, op, merchantID string, pm *v1.PaymentMethod, cu *v1.Customer, billing *v1.Address) (*cardPlan, error) {
	src, err := sourceID(pm)
	if err != nil {
		return nil, err
	}
	p := &cardPlan{source: src, billing: billing, holder: strings.TrimSpace(billing.GetFirstName() + " " + billing.GetLastName())}
	p.customerID = cmp.Or(cu.GetConnectorCustomerId(), c.State.GetConnectorCustomerId())
	if p.customerID == "" {
		if cu.GetName() == "" && cu.GetEmail() == "" && cu.GetPhone() == "" {
			return nil, pdk.InvalidRequest("customer.connector_customer_id", "is required: Square stores cards on a customer (or send customer.name, email or phone to create one)")
		}
		return nil, pdk.NeedStep(v1.Flow_FLOW_CREATE_CUSTOMER, &v1.CustomerServiceCreateRequest{
			Customer: cu, Address: billing, MerchantRequestId: merchantID,
		})
	}
	if merchantID == "" {
		p.key = randomKey(c, op)
	} else {
		p.key = idempotencyKey(op, merchantID)
	}
	if id := cu.GetId(); len(id) <= 128 {
		p.reference = id
	}
	return p, nil
}

// body writes the plan as CreateCardRequest JSON.
func (p *cardPlan) body() []byte {
	o := jsonw.NewObject()
	o.String("idempotency_key", p.key)
	o.String("source_id", p.source)
	o.Object("card", func(w *jsonw.Object) {
		w.StringIf("cardholder_name", p.holder)
		writeAddress(w, "billing_address", p.billing)
		w.String("customer_id", p.customerID)
		w.StringIf("reference_id", p.reference)
	})
	return o.Bytes()
}

// buildTokenize builds CreateCard: the token becomes a card on file.
func buildTokenize(c *pdk.Context, req *v1.PaymentMethodServiceTokenizeRequest) (*pluginv1.HttpRequest, error) {
	p, err := newCardPlan(c, "card", req.GetMerchantRequestId(), req.GetPaymentMethod(), req.GetCustomer(), req.GetBillingAddress())
	if err != nil {
		return nil, err
	}
	return api.Send(c, "POST", "/v2/cards", p.key, p.body())
}

// buildSetupRecurring builds CreateCard for later merchant-initiated
// charges. Square stores a card without charging it, so the amount must be 0.
func buildSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest) (*pluginv1.HttpRequest, error) {
	if req.GetMerchantSetupId() == "" {
		return nil, pdk.InvalidRequest("merchant_setup_id", "is required (Square idempotency_key)")
	}
	if _, _, err := amounts.To(req.GetAmount(), "amount"); err != nil {
		return nil, err
	}
	if req.GetAmount().GetMinorAmount() != 0 {
		return nil, pdk.InvalidRequest("amount", "must be 0: Square stores a card without charging it; charge it with RecurringPaymentService.Charge")
	}
	p, err := newCardPlan(c, "setup", req.GetMerchantSetupId(), req.GetPaymentMethod(), req.GetCustomer(), req.GetBillingAddress())
	if err != nil {
		return nil, err
	}
	return api.Send(c, "POST", "/v2/cards", p.key, p.body())
}

// card is a parsed Square Card.
type card struct {
	id, customerID, last4 string
	network               v1.CardNetwork
	expMonth, expYear     int64
	enabled               bool
}

func readCard(res *pdk.Response) (*card, error) {
	o, err := object(res, "card")
	if err != nil {
		return nil, err
	}
	k := &card{id: jsonr.Str(o, "id"), customerID: jsonr.Str(o, "customer_id"), last4: jsonr.Str(o, "last_4"),
		network: pdk.CardNetworkNamed(jsonr.Str(o, "card_brand"))}
	if k.expMonth, _, err = jsonr.Int(o, "exp_month"); err != nil {
		return nil, err
	}
	if k.expYear, _, err = jsonr.Int(o, "exp_year"); err != nil {
		return nil, err
	}
	e := o.Get("enabled")
	k.enabled = e == nil || e.Type() == fastjson.TypeTrue
	return k, nil
}

func parseTokenize(c *pdk.Context, req *v1.PaymentMethodServiceTokenizeRequest, res *pdk.Response) (*v1.PaymentMethodServiceTokenizeResponse, error) {
	k, err := readCard(res)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentMethodServiceTokenizeResponse{PaymentMethodToken: k.id, CardLast4: k.last4, CardNetwork: k.network,
		CardExpMonth: int32(k.expMonth), CardExpYear: int32(k.expYear), State: &v1.ConnectorState{ConnectorCustomerId: k.customerID}}, nil
}

func parseSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest, res *pdk.Response) (*v1.PaymentServiceSetupRecurringResponse, error) {
	k, err := readCard(res)
	if err != nil {
		return nil, err
	}
	status := v1.MandateStatus_MANDATE_STATUS_ACTIVE
	if !k.enabled {
		status = v1.MandateStatus_MANDATE_STATUS_INACTIVE
	}
	return &v1.PaymentServiceSetupRecurringResponse{
		ConnectorSetupId: k.id, Status: status,
		Mandate: &v1.MandateReference{ConnectorMandateId: k.id, ConnectorCustomerId: k.customerID, Status: status},
		State:   &v1.ConnectorState{ConnectorCustomerId: k.customerID},
	}, nil
}
