package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// MethodType is the PaymentMethodType a payment method is declared as in
// manifests (UNSPECIFIED for none or a kind the enum does not name), so a
// connector can keep its per-method facts in one table keyed by the type.
func MethodType(pm *v1.PaymentMethod) v1.PaymentMethodType {
	switch m := pm.GetMethod().(type) {
	case *v1.PaymentMethod_Card:
		return v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD
	case *v1.PaymentMethod_Token:
		return v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN
	case *v1.PaymentMethod_Wallet:
		switch m.Wallet.GetWallet().(type) {
		case *v1.Wallet_ApplePay:
			return v1.PaymentMethodType_PAYMENT_METHOD_TYPE_APPLE_PAY
		case *v1.Wallet_GooglePay:
			return v1.PaymentMethodType_PAYMENT_METHOD_TYPE_GOOGLE_PAY
		case *v1.Wallet_Paypal:
			return v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PAYPAL
		}
	case *v1.PaymentMethod_BankRedirect:
		return kindType(redirectTypes[:], m.BankRedirect.GetKind())
	case *v1.PaymentMethod_BankTransfer:
		return kindType(transferTypes[:], m.BankTransfer.GetKind())
	case *v1.PaymentMethod_BankDebit:
		return kindType(debitTypes[:], m.BankDebit.GetKind())
	case *v1.PaymentMethod_PayLater:
		return kindType(payLaterTypes[:], m.PayLater.GetKind())
	case *v1.PaymentMethod_Voucher:
		return kindType(voucherTypes[:], m.Voucher.GetKind())
	case *v1.PaymentMethod_Upi:
		return v1.PaymentMethodType_PAYMENT_METHOD_TYPE_UPI
	}
	return v1.PaymentMethodType_PAYMENT_METHOD_TYPE_UNSPECIFIED
}

// kindType returns types[k], UNSPECIFIED for a kind outside types. The
// tables are arrays indexed by kind rather than maps: constant data instead of
// map literals built by the package's init.
func kindType[K ~int32](types []v1.PaymentMethodType, k K) v1.PaymentMethodType {
	if k < 0 || int64(k) >= int64(len(types)) {
		return v1.PaymentMethodType_PAYMENT_METHOD_TYPE_UNSPECIFIED
	}
	return types[k]
}

var redirectTypes = [...]v1.PaymentMethodType{
	v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL:              v1.PaymentMethodType_PAYMENT_METHOD_TYPE_IDEAL,
	v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT:             v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SOFORT,
	v1.BankRedirectKind_BANK_REDIRECT_KIND_GIROPAY:            v1.PaymentMethodType_PAYMENT_METHOD_TYPE_GIROPAY,
	v1.BankRedirectKind_BANK_REDIRECT_KIND_BANCONTACT:         v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BANCONTACT,
	v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS:                v1.PaymentMethodType_PAYMENT_METHOD_TYPE_EPS,
	v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK:               v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BLIK,
	v1.BankRedirectKind_BANK_REDIRECT_KIND_PRZELEWY24:         v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PRZELEWY24,
	v1.BankRedirectKind_BANK_REDIRECT_KIND_TRUSTLY:            v1.PaymentMethodType_PAYMENT_METHOD_TYPE_TRUSTLY,
	v1.BankRedirectKind_BANK_REDIRECT_KIND_ONLINE_BANKING_FPX: v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ONLINE_BANKING_FPX,
}

var transferTypes = [...]v1.PaymentMethodType{
	v1.BankTransferKind_BANK_TRANSFER_KIND_PIX:         v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PIX,
	v1.BankTransferKind_BANK_TRANSFER_KIND_SEPA_CREDIT: v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA_CREDIT_TRANSFER,
	v1.BankTransferKind_BANK_TRANSFER_KIND_ACH_CREDIT:  v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ACH_CREDIT_TRANSFER,
	v1.BankTransferKind_BANK_TRANSFER_KIND_MULTIBANCO:  v1.PaymentMethodType_PAYMENT_METHOD_TYPE_MULTIBANCO,
}

var debitTypes = [...]v1.PaymentMethodType{
	v1.BankDebitKind_BANK_DEBIT_KIND_SEPA: v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA_DEBIT,
	v1.BankDebitKind_BANK_DEBIT_KIND_ACH:  v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ACH_DEBIT,
	v1.BankDebitKind_BANK_DEBIT_KIND_BACS: v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BACS_DEBIT,
	v1.BankDebitKind_BANK_DEBIT_KIND_BECS: v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BECS_DEBIT,
	v1.BankDebitKind_BANK_DEBIT_KIND_NACH: v1.PaymentMethodType_PAYMENT_METHOD_TYPE_NACH_DEBIT,
}

var payLaterTypes = [...]v1.PaymentMethodType{
	v1.PayLaterKind_PAY_LATER_KIND_KLARNA:            v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KLARNA,
	v1.PayLaterKind_PAY_LATER_KIND_AFTERPAY_CLEARPAY: v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFTERPAY_CLEARPAY,
	v1.PayLaterKind_PAY_LATER_KIND_AFFIRM:            v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFFIRM,
}

var voucherTypes = [...]v1.PaymentMethodType{
	v1.VoucherKind_VOUCHER_KIND_BOLETO:  v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BOLETO,
	v1.VoucherKind_VOUCHER_KIND_OXXO:    v1.PaymentMethodType_PAYMENT_METHOD_TYPE_OXXO,
	v1.VoucherKind_VOUCHER_KIND_KONBINI: v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KONBINI,
}

// MethodGoType is the Go type of a payment method's oneof value as fmt's
// %T prints it ("*connectorhostv1.PaymentMethod_Card", "<nil>" for none): plugins name
// the method they refuse this way without linking fmt and reflect.
//
//	pdk.Unsupported("payment method %s is not supported", pdk.MethodGoType(pm.GetMethod()))
func MethodGoType(method any) string {
	switch method.(type) {
	case nil:
		return "<nil>"
	case *v1.PaymentMethod_Card:
		return "*connectorhostv1.PaymentMethod_Card"
	case *v1.PaymentMethod_Token:
		return "*connectorhostv1.PaymentMethod_Token"
	case *v1.PaymentMethod_Wallet:
		return "*connectorhostv1.PaymentMethod_Wallet"
	case *v1.PaymentMethod_BankRedirect:
		return "*connectorhostv1.PaymentMethod_BankRedirect"
	case *v1.PaymentMethod_BankTransfer:
		return "*connectorhostv1.PaymentMethod_BankTransfer"
	case *v1.PaymentMethod_BankDebit:
		return "*connectorhostv1.PaymentMethod_BankDebit"
	case *v1.PaymentMethod_PayLater:
		return "*connectorhostv1.PaymentMethod_PayLater"
	case *v1.PaymentMethod_Voucher:
		return "*connectorhostv1.PaymentMethod_Voucher"
	case *v1.PaymentMethod_Upi:
		return "*connectorhostv1.PaymentMethod_Upi"
	}
	return "?"
}
