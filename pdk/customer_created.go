package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// CustomerCreated is CustomerService.Create's response for the customer id
// a processor answered, with the connector state that hands it to later
// calls: what Braintree, Checkout.com, GoCardless, Razorpay, Square and
// Stripe answer.
func CustomerCreated(id string) *v1.CustomerServiceCreateResponse {
	return &v1.CustomerServiceCreateResponse{ConnectorCustomerId: id, State: CustomerState(id)}
}
