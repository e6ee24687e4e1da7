package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// TokenOnly returns the processor token of pm for a processor that takes
// tokens only (cards are tokenized by its client SDK, never sent by the
// server): an empty token or no payment method is INVALID_REQUEST naming
// the field; a card is UNSUPPORTED with cardProblem (how to tokenize it),
// any other method UNSUPPORTED with otherProblem (what the processor takes).
func TokenOnly(pm *v1.PaymentMethod, cardProblem, otherProblem string) (string, error) {
	switch m := pm.GetMethod().(type) {
	case *v1.PaymentMethod_Token:
		if m.Token.GetToken() == "" {
			return "", InvalidRequest("payment_method.token.token", "is required")
		}
		return m.Token.GetToken(), nil
	case *v1.PaymentMethod_Card:
		return "", Unsupported("payment_method.card: %s", cardProblem)
	case nil:
		return "", InvalidRequest("payment_method", "is required")
	default:
		return "", Unsupported("payment_method: %s", otherProblem)
	}
}
