// Package codectable lists the generated messages that cross the plugin ABI,
// in a fixed order, for the test that checks the guest's generated codec
// against protobuf-go's (internal/genlite). It compiles in both builds of gen/.
package codectable

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Message is what both builds of a generated message can do.
type Message interface {
	MarshalVT() ([]byte, error)
	UnmarshalVT([]byte) error
}

// Messages makes one of each message, in a fixed order.
var Messages = []func() Message{
	func() Message { return new(pluginv1.BuildRequestInput) },
	func() Message { return new(pluginv1.BuildRequestOutput) },
	func() Message { return new(pluginv1.ParseResponseInput) },
	func() Message { return new(pluginv1.ParseResponseOutput) },
	func() Message { return new(pluginv1.VerifyWebhookInput) },
	func() Message { return new(pluginv1.VerifyWebhookOutput) },
	func() Message { return new(v1.Manifest) },
	func() Message { return new(v1.PaymentServiceAuthorizeRequest) },
	func() Message { return new(v1.PaymentServiceAuthorizeResponse) },
	func() Message { return new(v1.PaymentServiceCaptureRequest) },
	func() Message { return new(v1.PaymentServiceCaptureResponse) },
	func() Message { return new(v1.PaymentServiceGetRequest) },
	func() Message { return new(v1.PaymentServiceGetResponse) },
	func() Message { return new(v1.PaymentServiceVoidRequest) },
	func() Message { return new(v1.PaymentServiceVoidResponse) },
	func() Message { return new(v1.PaymentServiceReverseRequest) },
	func() Message { return new(v1.PaymentServiceReverseResponse) },
	func() Message { return new(v1.PaymentServiceRefundRequest) },
	func() Message { return new(v1.PaymentServiceRefundResponse) },
	func() Message { return new(v1.PaymentServiceCreateOrderRequest) },
	func() Message { return new(v1.PaymentServiceCreateOrderResponse) },
	func() Message { return new(v1.PaymentServiceSetupRecurringRequest) },
	func() Message { return new(v1.PaymentServiceSetupRecurringResponse) },
	func() Message { return new(v1.PaymentServiceIncrementalAuthorizationRequest) },
	func() Message { return new(v1.PaymentServiceIncrementalAuthorizationResponse) },
	func() Message { return new(v1.PaymentServiceVerifyRedirectResponseRequest) },
	func() Message { return new(v1.PaymentServiceVerifyRedirectResponseResponse) },
	func() Message { return new(v1.RecurringPaymentServiceChargeRequest) },
	func() Message { return new(v1.RecurringPaymentServiceChargeResponse) },
	func() Message { return new(v1.RecurringPaymentServiceRevokeRequest) },
	func() Message { return new(v1.RecurringPaymentServiceRevokeResponse) },
	func() Message { return new(v1.RefundServiceGetRequest) },
	func() Message { return new(v1.RefundServiceGetResponse) },
	func() Message { return new(v1.DisputeServiceSubmitEvidenceRequest) },
	func() Message { return new(v1.DisputeServiceSubmitEvidenceResponse) },
	func() Message { return new(v1.DisputeServiceGetRequest) },
	func() Message { return new(v1.DisputeServiceGetResponse) },
	func() Message { return new(v1.DisputeServiceDefendRequest) },
	func() Message { return new(v1.DisputeServiceDefendResponse) },
	func() Message { return new(v1.DisputeServiceAcceptRequest) },
	func() Message { return new(v1.DisputeServiceAcceptResponse) },
	func() Message { return new(v1.MerchantAuthenticationServiceCreateAccessTokenRequest) },
	func() Message { return new(v1.MerchantAuthenticationServiceCreateAccessTokenResponse) },
	func() Message { return new(v1.MerchantAuthenticationServiceCreateSessionTokenRequest) },
	func() Message { return new(v1.MerchantAuthenticationServiceCreateSessionTokenResponse) },
	func() Message { return new(v1.MerchantAuthenticationServiceCreateSdkSessionTokenRequest) },
	func() Message { return new(v1.MerchantAuthenticationServiceCreateSdkSessionTokenResponse) },
	func() Message { return new(v1.PaymentMethodAuthenticationServicePreAuthenticateRequest) },
	func() Message { return new(v1.PaymentMethodAuthenticationServicePreAuthenticateResponse) },
	func() Message { return new(v1.PaymentMethodAuthenticationServiceAuthenticateRequest) },
	func() Message { return new(v1.PaymentMethodAuthenticationServiceAuthenticateResponse) },
	func() Message { return new(v1.PaymentMethodAuthenticationServicePostAuthenticateRequest) },
	func() Message { return new(v1.PaymentMethodAuthenticationServicePostAuthenticateResponse) },
	func() Message { return new(v1.PaymentMethodServiceTokenizeRequest) },
	func() Message { return new(v1.PaymentMethodServiceTokenizeResponse) },
	func() Message { return new(v1.CustomerServiceCreateRequest) },
	func() Message { return new(v1.CustomerServiceCreateResponse) },
}
