package adyen

import (
	"fmt"
	"sort"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// Adyen's recurringProcessingModel and shopperInteraction values.
const (
	modelSubscription = "Subscription"
	modelCardOnFile   = "CardOnFile"
	modelUnscheduled  = "UnscheduledCardOnFile"
	interactionEcom   = "Ecommerce"
	interactionCont   = "ContAuth"
)

// Adyen's limits on metadata (Checkout v71 PaymentRequest.metadata).
const (
	maxMetadataPairs = 20
	maxMetadataKey   = 20
	maxMetadataValue = 80
)

// paymentPlan is a validated /payments request, written in a fixed field order.
type paymentPlan struct {
	cr                 credentials
	reference          string
	amount             adyenAmount
	method             method
	returnURL          string
	shopperReference   string
	shopperInteraction string
	recurringModel     string
	storePaymentMethod bool
	manualCapture      bool
	preAuth            bool
	attemptAuth        string
	browser            *v1.BrowserInfo
	billing            *v1.Address
	shipping           *v1.Address
	email, phone       string
	firstName          string
	lastName           string
	countryCode        string
	lineItems          []lineItem
	metadata           []kv
	statement          string
	orderReference     string
	mpi                *v1.ThreeDsData
}

// lineItem is a validated Checkout LineItem.
type lineItem struct {
	id, description, category string
	quantity                  int64
	amountIncludingTax        int64
	taxAmount                 int64
	hasTax                    bool
}

// body writes the plan as Checkout v71 PaymentRequest JSON.
func (p *paymentPlan) body() []byte {
	o := jsonw.NewObject()
	o.String("merchantAccount", p.cr.merchantAccount)
	o.String("reference", p.reference)
	writeAmount(o, "amount", p.amount)
	p.method.write(o)
	o.String("returnUrl", p.returnURL)
	o.StringIf("shopperReference", p.shopperReference)
	o.StringIf("shopperInteraction", p.shopperInteraction)
	o.StringIf("recurringProcessingModel", p.recurringModel)
	if p.storePaymentMethod {
		o.Bool("storePaymentMethod", true)
	}
	if p.manualCapture || p.preAuth {
		o.Object("additionalData", func(a *jsonw.Object) {
			if p.preAuth {
				a.String("authorisationType", "PreAuth")
			}
			if p.manualCapture {
				a.String("manualCapture", "true")
			}
		})
	}
	if p.attemptAuth != "" {
		o.Object("authenticationData", func(a *jsonw.Object) { a.String("attemptAuthentication", p.attemptAuth) })
	}
	if p.mpi != nil {
		writeMPI(o, p.mpi)
	}
	if b := p.browser; b != nil {
		o.Object("browserInfo", func(w *jsonw.Object) {
			w.String("acceptHeader", b.GetAcceptHeader())
			w.Int("colorDepth", int64(b.GetColorDepth()))
			w.Bool("javaEnabled", b.GetJavaEnabled())
			w.Bool("javaScriptEnabled", b.GetJavascriptEnabled())
			w.String("language", b.GetLanguage())
			w.Int("screenHeight", int64(b.GetScreenHeight()))
			w.Int("screenWidth", int64(b.GetScreenWidth()))
			w.Int("timeZoneOffset", int64(b.GetTimeZoneOffsetMinutes()))
			w.String("userAgent", b.GetUserAgent())
		})
		o.StringIf("shopperIP", b.GetIpAddress())
	}
	if p.billing != nil {
		writeAddress(o, "billingAddress", p.billing, false)
	}
	if p.shipping != nil {
		writeAddress(o, "deliveryAddress", p.shipping, true)
	}
	o.StringIf("shopperEmail", p.email)
	o.StringIf("telephoneNumber", p.phone)
	if p.firstName != "" && p.lastName != "" {
		o.Object("shopperName", func(n *jsonw.Object) {
			n.String("firstName", p.firstName)
			n.String("lastName", p.lastName)
		})
	}
	o.StringIf("countryCode", p.countryCode)
	if len(p.lineItems) > 0 {
		o.Array("lineItems", func(a *jsonw.Array) {
			for _, li := range p.lineItems {
				a.Object(func(w *jsonw.Object) {
					w.StringIf("id", li.id)
					w.StringIf("description", li.description)
					w.StringIf("itemCategory", li.category)
					w.Int("quantity", li.quantity)
					w.Int("amountIncludingTax", li.amountIncludingTax)
					if li.hasTax {
						w.Int("taxAmount", li.taxAmount)
					}
				})
			}
		})
	}
	if len(p.metadata) > 0 {
		o.Object("metadata", func(m *jsonw.Object) {
			for _, f := range p.metadata {
				m.String(f.k, f.v)
			}
		})
	}
	o.StringIf("shopperStatement", p.statement)
	o.StringIf("merchantOrderReference", p.orderReference)
	return o.Bytes()
}

func writeAmount(o *jsonw.Object, key string, a adyenAmount) {
	o.Object(key, func(w *jsonw.Object) {
		w.String("currency", a.Currency)
		w.Int("value", a.Value)
	})
}

// writeAddress writes a BillingAddress or DeliveryAddress. Adyen requires
// street, houseNumberOrName, city, postalCode and country; line1 is the
// street and line2 the house number or name (empty when the caller has no
// separate one).
func writeAddress(o *jsonw.Object, key string, a *v1.Address, names bool) {
	o.Object(key, func(w *jsonw.Object) {
		w.String("city", a.GetCity())
		w.String("country", a.GetCountry())
		w.String("houseNumberOrName", a.GetLine2())
		w.String("postalCode", a.GetPostalCode())
		w.StringIf("stateOrProvince", a.GetState())
		w.String("street", a.GetLine1())
		if names {
			w.StringIf("firstName", a.GetFirstName())
			w.StringIf("lastName", a.GetLastName())
		}
	})
}

// writeMPI writes the result of an external 3-D Secure authentication as mpiData.
func writeMPI(o *jsonw.Object, t *v1.ThreeDsData) {
	o.Object("mpiData", func(w *jsonw.Object) {
		if s := t.GetTransactionStatus(); s == "Y" || s == "N" || s == "U" || s == "A" {
			w.String("authenticationResponse", s)
		}
		w.StringIf("cavv", t.GetAuthenticationValue())
		w.StringIf("directoryResponse", t.GetTransactionStatus())
		w.StringIf("dsTransID", t.GetDsTransactionId())
		w.StringIf("eci", t.GetEci())
		w.StringIf("threeDSVersion", t.GetMessageVersion())
	})
}

// validMPI checks the fields Adyen constrains in mpiData.
func validMPI(t *v1.ThreeDsData) error {
	switch t.GetTransactionStatus() {
	case "", "A", "C", "D", "I", "N", "R", "U", "Y":
		return nil
	}
	return pdk.InvalidRequest("three_ds.transaction_status", "must be one of A, C, D, I, N, R, U, Y")
}

// shopperReference validates Adyen's shopperReference (3 to 256 characters).
func shopperReference(field, v string) error {
	if len(v) < 3 || len(v) > 256 {
		return pdk.InvalidRequest(field, "must be 3 to 256 characters (Adyen shopperReference)")
	}
	return nil
}

// metadataPairs validates metadata against Adyen's limits and returns it sorted by key.
func metadataPairs(m map[string]string) ([]kv, error) {
	if len(m) > maxMetadataPairs {
		return nil, pdk.InvalidRequest("metadata", fmt.Sprintf("has %d entries; Adyen accepts at most %d", len(m), maxMetadataPairs))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]kv, 0, len(keys))
	for _, k := range keys {
		if k == "" || len(k) > maxMetadataKey {
			return nil, pdk.InvalidRequest("metadata", fmt.Sprintf("key %q must be 1 to %d characters", k, maxMetadataKey))
		}
		if len(m[k]) > maxMetadataValue {
			return nil, pdk.InvalidRequest("metadata["+k+"]", fmt.Sprintf("must be at most %d characters", maxMetadataValue))
		}
		out = append(out, kv{k, m[k]})
	}
	return out, nil
}

// lineItems converts order details (unit amounts in the payment currency).
func lineItems(details []*v1.OrderDetail, currency string) ([]lineItem, error) {
	out := make([]lineItem, 0, len(details))
	for i, d := range details {
		field := fmt.Sprintf("order_details[%d]", i)
		unit, err := toAdyen(field+".unit_amount", &v1.Money{MinorAmount: d.GetUnitAmount(), Currency: currency})
		if err != nil {
			return nil, err
		}
		li := lineItem{
			id: d.GetProductId(), description: d.GetProductName(), category: d.GetCategory(),
			quantity: d.GetQuantity(), amountIncludingTax: unit.Value,
		}
		if d.GetTaxAmount() != 0 {
			tax, err := toAdyen(field+".tax_amount", &v1.Money{MinorAmount: d.GetTaxAmount(), Currency: currency})
			if err != nil {
				return nil, err
			}
			li.taxAmount, li.hasTax = tax.Value, true
		}
		out = append(out, li)
	}
	return out, nil
}

// returnURL picks the request's return URL, else the operator's config
// return_url. Checkout v71 requires returnUrl on every /payments call.
func returnURL(c *pdk.Context, field, v string) (string, error) {
	if v == "" {
		v = c.Config[configReturnURL]
	}
	if v == "" {
		return "", pdk.InvalidRequest(field, "is required by Adyen Checkout v71 (or set the connector config return_url)")
	}
	return v, nil
}

// splitName splits "First Last Names" at the first space.
func splitName(name string) (first, last string) {
	name = strings.TrimSpace(name)
	first, last, _ = strings.Cut(name, " ")
	return first, strings.TrimSpace(last)
}

// shopperDetails fills email, phone, name and country from the customer and addresses.
func (p *paymentPlan) shopperDetails(cust *v1.Customer, billing, shipping *v1.Address) {
	if billing.GetCountry() != "" {
		p.billing = billing
	}
	if shipping.GetCountry() != "" {
		p.shipping = shipping
	}
	p.email = firstNonEmpty(cust.GetEmail(), billing.GetEmail())
	p.phone = firstNonEmpty(cust.GetPhone(), billing.GetPhone())
	if billing.GetFirstName() != "" && billing.GetLastName() != "" {
		p.firstName, p.lastName = billing.GetFirstName(), billing.GetLastName()
	} else {
		p.firstName, p.lastName = splitName(cust.GetName())
	}
	p.countryCode = firstNonEmpty(p.method.country, billing.GetCountry())
}

// checkOrderNeeds enforces what BNPL methods need.
func (p *paymentPlan) checkOrderNeeds() error {
	if p.method.needsOrder {
		if len(p.lineItems) == 0 {
			return pdk.InvalidRequest("order_details", "is required for buy-now-pay-later methods at Adyen")
		}
		if p.countryCode == "" {
			return pdk.InvalidRequest("billing_address.country", "is required for buy-now-pay-later methods at Adyen")
		}
	}
	if p.method.country != "" || hasField(p.method, "type", "directEbanking") {
		if p.countryCode == "" {
			return pdk.InvalidRequest("payment_method.bank_redirect.country", "is required for Sofort (or billing_address.country)")
		}
	}
	return nil
}

func hasField(m method, k, v string) bool {
	for _, f := range m.fields {
		if f.k == k && f.v == v {
			return true
		}
	}
	return false
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
