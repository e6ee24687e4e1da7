package pdk

import (
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// CardNetworkNamed is the card network a processor names by brand or
// scheme, in any case and with or without spaces, dashes or underscores:
// the names of Stripe (card.brand: "amex", "cartes_bancaires"),
// Checkout.com (scheme: "American Express"), Square (card_brand:
// "CHINA_UNIONPAY") and Braintree (cardType: "UNION_PAY"). A name it does not
// know is CARD_NETWORK_UNSPECIFIED.
func CardNetworkNamed(name string) v1.CardNetwork {
	key := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '_':
			return -1
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, name)
	return cardNetworkNames[key]
}

// cardNetworkNames are the networks by name, lower case without separators.
var cardNetworkNames = map[string]v1.CardNetwork{
	"visa": v1.CardNetwork_CARD_NETWORK_VISA, "mastercard": v1.CardNetwork_CARD_NETWORK_MASTERCARD,
	"amex": v1.CardNetwork_CARD_NETWORK_AMEX, "americanexpress": v1.CardNetwork_CARD_NETWORK_AMEX,
	"discover": v1.CardNetwork_CARD_NETWORK_DISCOVER, "jcb": v1.CardNetwork_CARD_NETWORK_JCB,
	"diners": v1.CardNetwork_CARD_NETWORK_DINERS, "dinersclubinternational": v1.CardNetwork_CARD_NETWORK_DINERS,
	"discoverdiners": v1.CardNetwork_CARD_NETWORK_DINERS, "unionpay": v1.CardNetwork_CARD_NETWORK_UNIONPAY,
	"chinaunionpay": v1.CardNetwork_CARD_NETWORK_UNIONPAY, "cartesbancaires": v1.CardNetwork_CARD_NETWORK_CARTES_BANCAIRES,
	"interac": v1.CardNetwork_CARD_NETWORK_INTERAC, "maestro": v1.CardNetwork_CARD_NETWORK_MAESTRO,
}
