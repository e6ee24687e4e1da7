package pdk

import (
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestCardNetworkNamed(t *testing.T) {
	for name, want := range map[string]v1.CardNetwork{
		"visa": v1.CardNetwork_CARD_NETWORK_VISA, "Visa": v1.CardNetwork_CARD_NETWORK_VISA, "mastercard": v1.CardNetwork_CARD_NETWORK_MASTERCARD,
		"amex": v1.CardNetwork_CARD_NETWORK_AMEX, "American Express": v1.CardNetwork_CARD_NETWORK_AMEX,
		"AMERICAN_EXPRESS": v1.CardNetwork_CARD_NETWORK_AMEX, "discover": v1.CardNetwork_CARD_NETWORK_DISCOVER,
		"jcb": v1.CardNetwork_CARD_NETWORK_JCB, "diners": v1.CardNetwork_CARD_NETWORK_DINERS,
		"Diners Club International": v1.CardNetwork_CARD_NETWORK_DINERS, "DISCOVER_DINERS": v1.CardNetwork_CARD_NETWORK_DINERS,
		"unionpay": v1.CardNetwork_CARD_NETWORK_UNIONPAY, "UNION_PAY": v1.CardNetwork_CARD_NETWORK_UNIONPAY,
		"CHINA_UNIONPAY": v1.CardNetwork_CARD_NETWORK_UNIONPAY, "China Union Pay": v1.CardNetwork_CARD_NETWORK_UNIONPAY,
		"cartes_bancaires": v1.CardNetwork_CARD_NETWORK_CARTES_BANCAIRES, "Cartes Bancaires": v1.CardNetwork_CARD_NETWORK_CARTES_BANCAIRES,
		"interac": v1.CardNetwork_CARD_NETWORK_INTERAC, "maestro": v1.CardNetwork_CARD_NETWORK_MAESTRO,
		"": v1.CardNetwork_CARD_NETWORK_UNSPECIFIED, "unknown": v1.CardNetwork_CARD_NETWORK_UNSPECIFIED,
		"eftpos_au": v1.CardNetwork_CARD_NETWORK_UNSPECIFIED, "visa electron": v1.CardNetwork_CARD_NETWORK_UNSPECIFIED,
	} {
		if got := CardNetworkNamed(name); got != want {
			t.Errorf("CardNetworkNamed(%q) = %v, want %v", name, got, want)
		}
	}
}
