package server

import (
	"context"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// The RPCs below each run one flow on the connector named by x-connector.
// HandleEvent RPCs are in events.go, composite RPCs in composite.go.

// paymentService implements PaymentService.
type paymentService struct{ s *Server }

// Authorize runs FLOW_AUTHORIZE.
func (h *paymentService) Authorize(ctx context.Context, req *connect.Request[v1.PaymentServiceAuthorizeRequest]) (*connect.Response[v1.PaymentServiceAuthorizeResponse], error) {
	return run[v1.PaymentServiceAuthorizeResponse](ctx, h.s, v1.Flow_FLOW_AUTHORIZE, req.Header(), req.Msg)
}

// Capture runs FLOW_CAPTURE.
func (h *paymentService) Capture(ctx context.Context, req *connect.Request[v1.PaymentServiceCaptureRequest]) (*connect.Response[v1.PaymentServiceCaptureResponse], error) {
	return run[v1.PaymentServiceCaptureResponse](ctx, h.s, v1.Flow_FLOW_CAPTURE, req.Header(), req.Msg)
}

// Get runs FLOW_GET.
func (h *paymentService) Get(ctx context.Context, req *connect.Request[v1.PaymentServiceGetRequest]) (*connect.Response[v1.PaymentServiceGetResponse], error) {
	return run[v1.PaymentServiceGetResponse](ctx, h.s, v1.Flow_FLOW_GET, req.Header(), req.Msg)
}

// Void runs FLOW_VOID.
func (h *paymentService) Void(ctx context.Context, req *connect.Request[v1.PaymentServiceVoidRequest]) (*connect.Response[v1.PaymentServiceVoidResponse], error) {
	return run[v1.PaymentServiceVoidResponse](ctx, h.s, v1.Flow_FLOW_VOID, req.Header(), req.Msg)
}

// Reverse runs FLOW_REVERSE.
func (h *paymentService) Reverse(ctx context.Context, req *connect.Request[v1.PaymentServiceReverseRequest]) (*connect.Response[v1.PaymentServiceReverseResponse], error) {
	return run[v1.PaymentServiceReverseResponse](ctx, h.s, v1.Flow_FLOW_REVERSE, req.Header(), req.Msg)
}

// Refund runs FLOW_REFUND.
func (h *paymentService) Refund(ctx context.Context, req *connect.Request[v1.PaymentServiceRefundRequest]) (*connect.Response[v1.PaymentServiceRefundResponse], error) {
	return run[v1.PaymentServiceRefundResponse](ctx, h.s, v1.Flow_FLOW_REFUND, req.Header(), req.Msg)
}

// CreateOrder runs FLOW_CREATE_ORDER.
func (h *paymentService) CreateOrder(ctx context.Context, req *connect.Request[v1.PaymentServiceCreateOrderRequest]) (*connect.Response[v1.PaymentServiceCreateOrderResponse], error) {
	return run[v1.PaymentServiceCreateOrderResponse](ctx, h.s, v1.Flow_FLOW_CREATE_ORDER, req.Header(), req.Msg)
}

// SetupRecurring runs FLOW_SETUP_RECURRING.
func (h *paymentService) SetupRecurring(ctx context.Context, req *connect.Request[v1.PaymentServiceSetupRecurringRequest]) (*connect.Response[v1.PaymentServiceSetupRecurringResponse], error) {
	return run[v1.PaymentServiceSetupRecurringResponse](ctx, h.s, v1.Flow_FLOW_SETUP_RECURRING, req.Header(), req.Msg)
}

// IncrementalAuthorization runs FLOW_INCREMENTAL_AUTHORIZATION.
func (h *paymentService) IncrementalAuthorization(ctx context.Context, req *connect.Request[v1.PaymentServiceIncrementalAuthorizationRequest]) (*connect.Response[v1.PaymentServiceIncrementalAuthorizationResponse], error) {
	return run[v1.PaymentServiceIncrementalAuthorizationResponse](ctx, h.s, v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, req.Header(), req.Msg)
}

// VerifyRedirectResponse runs FLOW_VERIFY_REDIRECT_RESPONSE.
func (h *paymentService) VerifyRedirectResponse(ctx context.Context, req *connect.Request[v1.PaymentServiceVerifyRedirectResponseRequest]) (*connect.Response[v1.PaymentServiceVerifyRedirectResponseResponse], error) {
	return run[v1.PaymentServiceVerifyRedirectResponseResponse](ctx, h.s, v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, req.Header(), req.Msg)
}

// recurringService implements RecurringPaymentService.
type recurringService struct{ s *Server }

// Charge runs FLOW_RECURRING_CHARGE.
func (h *recurringService) Charge(ctx context.Context, req *connect.Request[v1.RecurringPaymentServiceChargeRequest]) (*connect.Response[v1.RecurringPaymentServiceChargeResponse], error) {
	return run[v1.RecurringPaymentServiceChargeResponse](ctx, h.s, v1.Flow_FLOW_RECURRING_CHARGE, req.Header(), req.Msg)
}

// Revoke runs FLOW_RECURRING_REVOKE.
func (h *recurringService) Revoke(ctx context.Context, req *connect.Request[v1.RecurringPaymentServiceRevokeRequest]) (*connect.Response[v1.RecurringPaymentServiceRevokeResponse], error) {
	return run[v1.RecurringPaymentServiceRevokeResponse](ctx, h.s, v1.Flow_FLOW_RECURRING_REVOKE, req.Header(), req.Msg)
}

// refundService implements RefundService.
type refundService struct{ s *Server }

// Get runs FLOW_REFUND_GET.
func (h *refundService) Get(ctx context.Context, req *connect.Request[v1.RefundServiceGetRequest]) (*connect.Response[v1.RefundServiceGetResponse], error) {
	return run[v1.RefundServiceGetResponse](ctx, h.s, v1.Flow_FLOW_REFUND_GET, req.Header(), req.Msg)
}

// Cancel runs FLOW_REFUND_CANCEL.
func (h *refundService) Cancel(ctx context.Context, req *connect.Request[v1.RefundServiceCancelRequest]) (*connect.Response[v1.RefundServiceCancelResponse], error) {
	return run[v1.RefundServiceCancelResponse](ctx, h.s, v1.Flow_FLOW_REFUND_CANCEL, req.Header(), req.Msg)
}

// disputeService implements DisputeService.
type disputeService struct{ s *Server }

// SubmitEvidence runs FLOW_DISPUTE_SUBMIT_EVIDENCE.
func (h *disputeService) SubmitEvidence(ctx context.Context, req *connect.Request[v1.DisputeServiceSubmitEvidenceRequest]) (*connect.Response[v1.DisputeServiceSubmitEvidenceResponse], error) {
	return run[v1.DisputeServiceSubmitEvidenceResponse](ctx, h.s, v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, req.Header(), req.Msg)
}

// Get runs FLOW_DISPUTE_GET.
func (h *disputeService) Get(ctx context.Context, req *connect.Request[v1.DisputeServiceGetRequest]) (*connect.Response[v1.DisputeServiceGetResponse], error) {
	return run[v1.DisputeServiceGetResponse](ctx, h.s, v1.Flow_FLOW_DISPUTE_GET, req.Header(), req.Msg)
}

// Defend runs FLOW_DISPUTE_DEFEND.
func (h *disputeService) Defend(ctx context.Context, req *connect.Request[v1.DisputeServiceDefendRequest]) (*connect.Response[v1.DisputeServiceDefendResponse], error) {
	return run[v1.DisputeServiceDefendResponse](ctx, h.s, v1.Flow_FLOW_DISPUTE_DEFEND, req.Header(), req.Msg)
}

// Accept runs FLOW_DISPUTE_ACCEPT.
func (h *disputeService) Accept(ctx context.Context, req *connect.Request[v1.DisputeServiceAcceptRequest]) (*connect.Response[v1.DisputeServiceAcceptResponse], error) {
	return run[v1.DisputeServiceAcceptResponse](ctx, h.s, v1.Flow_FLOW_DISPUTE_ACCEPT, req.Header(), req.Msg)
}

// merchantAuthService implements MerchantAuthenticationService.
type merchantAuthService struct{ s *Server }

// CreateAccessToken runs FLOW_CREATE_ACCESS_TOKEN.
func (h *merchantAuthService) CreateAccessToken(ctx context.Context, req *connect.Request[v1.MerchantAuthenticationServiceCreateAccessTokenRequest]) (*connect.Response[v1.MerchantAuthenticationServiceCreateAccessTokenResponse], error) {
	return run[v1.MerchantAuthenticationServiceCreateAccessTokenResponse](ctx, h.s, v1.Flow_FLOW_CREATE_ACCESS_TOKEN, req.Header(), req.Msg)
}

// CreateSessionToken runs FLOW_CREATE_SESSION_TOKEN.
func (h *merchantAuthService) CreateSessionToken(ctx context.Context, req *connect.Request[v1.MerchantAuthenticationServiceCreateSessionTokenRequest]) (*connect.Response[v1.MerchantAuthenticationServiceCreateSessionTokenResponse], error) {
	return run[v1.MerchantAuthenticationServiceCreateSessionTokenResponse](ctx, h.s, v1.Flow_FLOW_CREATE_SESSION_TOKEN, req.Header(), req.Msg)
}

// CreateSdkSessionToken runs FLOW_CREATE_SDK_SESSION_TOKEN.
func (h *merchantAuthService) CreateSdkSessionToken(ctx context.Context, req *connect.Request[v1.MerchantAuthenticationServiceCreateSdkSessionTokenRequest]) (*connect.Response[v1.MerchantAuthenticationServiceCreateSdkSessionTokenResponse], error) {
	return run[v1.MerchantAuthenticationServiceCreateSdkSessionTokenResponse](ctx, h.s, v1.Flow_FLOW_CREATE_SDK_SESSION_TOKEN, req.Header(), req.Msg)
}

// paymentMethodAuthService implements PaymentMethodAuthenticationService.
type paymentMethodAuthService struct{ s *Server }

// PreAuthenticate runs FLOW_PRE_AUTHENTICATE.
func (h *paymentMethodAuthService) PreAuthenticate(ctx context.Context, req *connect.Request[v1.PaymentMethodAuthenticationServicePreAuthenticateRequest]) (*connect.Response[v1.PaymentMethodAuthenticationServicePreAuthenticateResponse], error) {
	return run[v1.PaymentMethodAuthenticationServicePreAuthenticateResponse](ctx, h.s, v1.Flow_FLOW_PRE_AUTHENTICATE, req.Header(), req.Msg)
}

// Authenticate runs FLOW_AUTHENTICATE.
func (h *paymentMethodAuthService) Authenticate(ctx context.Context, req *connect.Request[v1.PaymentMethodAuthenticationServiceAuthenticateRequest]) (*connect.Response[v1.PaymentMethodAuthenticationServiceAuthenticateResponse], error) {
	return run[v1.PaymentMethodAuthenticationServiceAuthenticateResponse](ctx, h.s, v1.Flow_FLOW_AUTHENTICATE, req.Header(), req.Msg)
}

// PostAuthenticate runs FLOW_POST_AUTHENTICATE.
func (h *paymentMethodAuthService) PostAuthenticate(ctx context.Context, req *connect.Request[v1.PaymentMethodAuthenticationServicePostAuthenticateRequest]) (*connect.Response[v1.PaymentMethodAuthenticationServicePostAuthenticateResponse], error) {
	return run[v1.PaymentMethodAuthenticationServicePostAuthenticateResponse](ctx, h.s, v1.Flow_FLOW_POST_AUTHENTICATE, req.Header(), req.Msg)
}

// paymentMethodService implements PaymentMethodService.
type paymentMethodService struct{ s *Server }

// Tokenize runs FLOW_TOKENIZE.
func (h *paymentMethodService) Tokenize(ctx context.Context, req *connect.Request[v1.PaymentMethodServiceTokenizeRequest]) (*connect.Response[v1.PaymentMethodServiceTokenizeResponse], error) {
	return run[v1.PaymentMethodServiceTokenizeResponse](ctx, h.s, v1.Flow_FLOW_TOKENIZE, req.Header(), req.Msg)
}

// customerService implements CustomerService.
type customerService struct{ s *Server }

// Create runs FLOW_CREATE_CUSTOMER.
func (h *customerService) Create(ctx context.Context, req *connect.Request[v1.CustomerServiceCreateRequest]) (*connect.Response[v1.CustomerServiceCreateResponse], error) {
	return run[v1.CustomerServiceCreateResponse](ctx, h.s, v1.Flow_FLOW_CREATE_CUSTOMER, req.Header(), req.Msg)
}

// payoutService implements PayoutService.
type payoutService struct{ s *Server }

// Create runs FLOW_PAYOUT_CREATE.
func (h *payoutService) Create(ctx context.Context, req *connect.Request[v1.PayoutServiceCreateRequest]) (*connect.Response[v1.PayoutServiceCreateResponse], error) {
	return run[v1.PayoutServiceCreateResponse](ctx, h.s, v1.Flow_FLOW_PAYOUT_CREATE, req.Header(), req.Msg)
}

// Get runs FLOW_PAYOUT_GET.
func (h *payoutService) Get(ctx context.Context, req *connect.Request[v1.PayoutServiceGetRequest]) (*connect.Response[v1.PayoutServiceGetResponse], error) {
	return run[v1.PayoutServiceGetResponse](ctx, h.s, v1.Flow_FLOW_PAYOUT_GET, req.Header(), req.Msg)
}

// Cancel runs FLOW_PAYOUT_CANCEL.
func (h *payoutService) Cancel(ctx context.Context, req *connect.Request[v1.PayoutServiceCancelRequest]) (*connect.Response[v1.PayoutServiceCancelResponse], error) {
	return run[v1.PayoutServiceCancelResponse](ctx, h.s, v1.Flow_FLOW_PAYOUT_CANCEL, req.Header(), req.Msg)
}

// CreateRecipient runs FLOW_PAYOUT_CREATE_RECIPIENT.
func (h *payoutService) CreateRecipient(ctx context.Context, req *connect.Request[v1.PayoutServiceCreateRecipientRequest]) (*connect.Response[v1.PayoutServiceCreateRecipientResponse], error) {
	return run[v1.PayoutServiceCreateRecipientResponse](ctx, h.s, v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT, req.Header(), req.Msg)
}
