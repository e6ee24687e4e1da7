package pdk

import (
	"fmt"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestMethodType(t *testing.T) {
	for want, pm := range map[v1.PaymentMethodType]*v1.PaymentMethod{
		v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD:        {Method: &v1.PaymentMethod_Card{Card: &v1.Card{}}},
		v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PAYPAL:      {Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_Paypal{Paypal: &v1.PayPalWallet{}}}}},
		v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BLIK:        {Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK}}},
		v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BACS_DEBIT:  {Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BACS}}},
		v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KONBINI:     {Method: &v1.PaymentMethod_Voucher{Voucher: &v1.Voucher{Kind: v1.VoucherKind_VOUCHER_KIND_KONBINI}}},
		v1.PaymentMethodType_PAYMENT_METHOD_TYPE_MULTIBANCO:  {Method: &v1.PaymentMethod_BankTransfer{BankTransfer: &v1.BankTransfer{Kind: v1.BankTransferKind_BANK_TRANSFER_KIND_MULTIBANCO}}},
		v1.PaymentMethodType_PAYMENT_METHOD_TYPE_UNSPECIFIED: {Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{}}},
	} {
		if got := MethodType(pm); got != want {
			t.Errorf("%v = %v, want %v", pm, got, want)
		}
	}
	if MethodType(nil) != v1.PaymentMethodType_PAYMENT_METHOD_TYPE_UNSPECIFIED {
		t.Error("nil")
	}
}

// MethodGoType prints what fmt's %T prints for every kind of the
// PaymentMethod oneof (a kind added to the proto fails here until it is
// added there).
func TestMethodGoType(t *testing.T) {
	kinds := []any{
		nil, &v1.PaymentMethod_Card{}, &v1.PaymentMethod_Token{}, &v1.PaymentMethod_Wallet{},
		&v1.PaymentMethod_BankRedirect{}, &v1.PaymentMethod_BankTransfer{}, &v1.PaymentMethod_BankDebit{},
		&v1.PaymentMethod_PayLater{}, &v1.PaymentMethod_Voucher{}, &v1.PaymentMethod_Upi{},
	}
	for _, m := range kinds {
		if got, want := MethodGoType(m), fmt.Sprintf("%T", m); got != want {
			t.Errorf("MethodGoType(%T) = %q, want %q", m, got, want)
		}
	}
	if n := (&v1.PaymentMethod{}).ProtoReflect().Descriptor().Oneofs().ByName("method").Fields().Len(); n != len(kinds)-1 {
		t.Errorf("the PaymentMethod oneof has %d kinds, MethodGoType names %d", n, len(kinds)-1)
	}
	if got := MethodGoType(&v1.PaymentMethod{}); got != "?" {
		t.Errorf("MethodGoType of another type = %q, want ?", got)
	}
}
