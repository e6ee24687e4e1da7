package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// MethodDetail is a detail a processor takes with a payment method besides
// its type (an IBAN, the shopper's bank, a BLIK code, an account type): how
// it is read from the request, when it is refused and where it is written.
// Stripe's payment_method_data.<type> members are such details. Adyen's
// paymentMethod members (issuer, iban, blikCode...) are too, but its
// key/value pairs with inline checks are shorter than a table of these, and
// it checks some details together (ACH's account and routing numbers).
type MethodDetail struct {
	// Key is where the value is written, after Write's prefix; At, when
	// set, is the whole key instead (an option kept apart from the method's
	// details: Stripe's payment_method_options.blik.code).
	Key, At string
	// Value reads the detail from the payment method and the payer.
	Value func(pm *v1.PaymentMethod, p Payer) string
	// Field, when set, has the detail checked, by Valid when set, else for
	// being empty; Problem is then the text of the InvalidRequest on Field.
	Field, Problem string
	Valid          func(string) bool
}

// MethodDetails are a payment method's details, in the order written.
type MethodDetails []MethodDetail

// Write checks each detail of pm in order and writes the ones that are not
// empty at prefix+Key (or At). The first refused detail is an
// InvalidRequest naming its Field.
func (ds MethodDetails) Write(b *Body, prefix string, pm *v1.PaymentMethod, p Payer) error {
	for _, d := range ds {
		v := d.Value(pm, p)
		if d.Field != "" && (d.Valid != nil && !d.Valid(v) || d.Valid == nil && v == "") {
			return InvalidRequest(d.Field, d.Problem)
		}
		b.SetIf(First(d.At, prefix+d.Key), v)
	}
	return nil
}
