// Package abi holds the facts of plugin ABI v1 that host and plugins share (it belongs to neither): the
// version number, the names of the exports, and which unified API messages each
// flow carries. It has no WebAssembly code and compiles for host and guest.
//
// The full contract is in docs/plugin-abi.md.
package abi

import (
	"fmt"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Version is the ABI version this module describes. A plugin exports it from
// connector_abi_version; the host refuses any other value.
const Version uint32 = 1

// Export names. Every plugin exports all of them but the optional ExportGC
// (plus its linear memory as "memory", and "_initialize" when it is a WASI
// reactor).
const (
	ExportABIVersion    = "connector_abi_version"
	ExportAlloc         = "connector_alloc"
	ExportManifest      = "connector_manifest"
	ExportBuildRequest  = "connector_build_request"
	ExportParseResponse = "connector_parse_response"
	ExportVerifyWebhook = "connector_verify_webhook"
	ExportInitialize    = "_initialize"
	// ExportGC is optional: () -> i32. The host calls it on an instance it
	// has just finished a call with, off the caller's path, so the guest can
	// collect garbage between calls rather than inside one; it returns 1 when
	// it collected. Plugins without it are served the same way.
	ExportGC             = "connector_gc"
	ExportMemory         = "memory"
	MaxManifestBytes     = 1 << 20
	MaxNextSteps         = 4
	DefaultRandomBytes   = 32
	IdempotencyKeyMaxLen = 255
)

// FlowInfo describes one flow: the RPC that runs it and its messages.
type FlowInfo struct {
	Flow v1.Flow
	// Service and Method name the RPC, e.g. "PaymentService" and "Authorize".
	Service, Method string
	// Mutating flows change state at the processor; their requests must carry
	// an idempotency key.
	Mutating    bool
	NewRequest  func() Message
	NewResponse func() Message
}

// Name is the flow's short name as docs and errors show it ("Authorize", "Refund.Get").
func (f FlowInfo) Name() string { return f.Service + "." + f.Method }

var flows = []FlowInfo{
	{v1.Flow_FLOW_AUTHORIZE, "PaymentService", "Authorize", true,
		func() Message { return new(v1.PaymentServiceAuthorizeRequest) }, func() Message { return new(v1.PaymentServiceAuthorizeResponse) }},
	{v1.Flow_FLOW_CAPTURE, "PaymentService", "Capture", true,
		func() Message { return new(v1.PaymentServiceCaptureRequest) }, func() Message { return new(v1.PaymentServiceCaptureResponse) }},
	{v1.Flow_FLOW_GET, "PaymentService", "Get", false,
		func() Message { return new(v1.PaymentServiceGetRequest) }, func() Message { return new(v1.PaymentServiceGetResponse) }},
	{v1.Flow_FLOW_VOID, "PaymentService", "Void", true,
		func() Message { return new(v1.PaymentServiceVoidRequest) }, func() Message { return new(v1.PaymentServiceVoidResponse) }},
	{v1.Flow_FLOW_REVERSE, "PaymentService", "Reverse", true,
		func() Message { return new(v1.PaymentServiceReverseRequest) }, func() Message { return new(v1.PaymentServiceReverseResponse) }},
	{v1.Flow_FLOW_REFUND, "PaymentService", "Refund", true,
		func() Message { return new(v1.PaymentServiceRefundRequest) }, func() Message { return new(v1.PaymentServiceRefundResponse) }},
	{v1.Flow_FLOW_CREATE_ORDER, "PaymentService", "CreateOrder", true,
		func() Message { return new(v1.PaymentServiceCreateOrderRequest) }, func() Message { return new(v1.PaymentServiceCreateOrderResponse) }},
	{v1.Flow_FLOW_SETUP_RECURRING, "PaymentService", "SetupRecurring", true,
		func() Message { return new(v1.PaymentServiceSetupRecurringRequest) }, func() Message { return new(v1.PaymentServiceSetupRecurringResponse) }},
	{v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, "PaymentService", "IncrementalAuthorization", true,
		func() Message { return new(v1.PaymentServiceIncrementalAuthorizationRequest) }, func() Message { return new(v1.PaymentServiceIncrementalAuthorizationResponse) }},
	{v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, "PaymentService", "VerifyRedirectResponse", false,
		func() Message { return new(v1.PaymentServiceVerifyRedirectResponseRequest) }, func() Message { return new(v1.PaymentServiceVerifyRedirectResponseResponse) }},
	{v1.Flow_FLOW_RECURRING_CHARGE, "RecurringPaymentService", "Charge", true,
		func() Message { return new(v1.RecurringPaymentServiceChargeRequest) }, func() Message { return new(v1.RecurringPaymentServiceChargeResponse) }},
	{v1.Flow_FLOW_RECURRING_REVOKE, "RecurringPaymentService", "Revoke", true,
		func() Message { return new(v1.RecurringPaymentServiceRevokeRequest) }, func() Message { return new(v1.RecurringPaymentServiceRevokeResponse) }},
	{v1.Flow_FLOW_REFUND_GET, "RefundService", "Get", false,
		func() Message { return new(v1.RefundServiceGetRequest) }, func() Message { return new(v1.RefundServiceGetResponse) }},
	{v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, "DisputeService", "SubmitEvidence", true,
		func() Message { return new(v1.DisputeServiceSubmitEvidenceRequest) }, func() Message { return new(v1.DisputeServiceSubmitEvidenceResponse) }},
	{v1.Flow_FLOW_DISPUTE_GET, "DisputeService", "Get", false,
		func() Message { return new(v1.DisputeServiceGetRequest) }, func() Message { return new(v1.DisputeServiceGetResponse) }},
	{v1.Flow_FLOW_DISPUTE_DEFEND, "DisputeService", "Defend", true,
		func() Message { return new(v1.DisputeServiceDefendRequest) }, func() Message { return new(v1.DisputeServiceDefendResponse) }},
	{v1.Flow_FLOW_DISPUTE_ACCEPT, "DisputeService", "Accept", true,
		func() Message { return new(v1.DisputeServiceAcceptRequest) }, func() Message { return new(v1.DisputeServiceAcceptResponse) }},
	{v1.Flow_FLOW_CREATE_ACCESS_TOKEN, "MerchantAuthenticationService", "CreateAccessToken", false,
		func() Message { return new(v1.MerchantAuthenticationServiceCreateAccessTokenRequest) }, func() Message { return new(v1.MerchantAuthenticationServiceCreateAccessTokenResponse) }},
	{v1.Flow_FLOW_CREATE_SESSION_TOKEN, "MerchantAuthenticationService", "CreateSessionToken", true,
		func() Message { return new(v1.MerchantAuthenticationServiceCreateSessionTokenRequest) }, func() Message { return new(v1.MerchantAuthenticationServiceCreateSessionTokenResponse) }},
	{v1.Flow_FLOW_CREATE_SDK_SESSION_TOKEN, "MerchantAuthenticationService", "CreateSdkSessionToken", true,
		func() Message { return new(v1.MerchantAuthenticationServiceCreateSdkSessionTokenRequest) }, func() Message { return new(v1.MerchantAuthenticationServiceCreateSdkSessionTokenResponse) }},
	{v1.Flow_FLOW_PRE_AUTHENTICATE, "PaymentMethodAuthenticationService", "PreAuthenticate", true,
		func() Message { return new(v1.PaymentMethodAuthenticationServicePreAuthenticateRequest) }, func() Message { return new(v1.PaymentMethodAuthenticationServicePreAuthenticateResponse) }},
	{v1.Flow_FLOW_AUTHENTICATE, "PaymentMethodAuthenticationService", "Authenticate", true,
		func() Message { return new(v1.PaymentMethodAuthenticationServiceAuthenticateRequest) }, func() Message { return new(v1.PaymentMethodAuthenticationServiceAuthenticateResponse) }},
	{v1.Flow_FLOW_POST_AUTHENTICATE, "PaymentMethodAuthenticationService", "PostAuthenticate", false,
		func() Message { return new(v1.PaymentMethodAuthenticationServicePostAuthenticateRequest) }, func() Message { return new(v1.PaymentMethodAuthenticationServicePostAuthenticateResponse) }},
	{v1.Flow_FLOW_TOKENIZE, "PaymentMethodService", "Tokenize", true,
		func() Message { return new(v1.PaymentMethodServiceTokenizeRequest) }, func() Message { return new(v1.PaymentMethodServiceTokenizeResponse) }},
	{v1.Flow_FLOW_CREATE_CUSTOMER, "CustomerService", "Create", true,
		func() Message { return new(v1.CustomerServiceCreateRequest) }, func() Message { return new(v1.CustomerServiceCreateResponse) }},
	{v1.Flow_FLOW_PAYOUT_CREATE, "PayoutService", "Create", true,
		func() Message { return new(v1.PayoutServiceCreateRequest) }, func() Message { return new(v1.PayoutServiceCreateResponse) }},
	{v1.Flow_FLOW_PAYOUT_GET, "PayoutService", "Get", false,
		func() Message { return new(v1.PayoutServiceGetRequest) }, func() Message { return new(v1.PayoutServiceGetResponse) }},
	{v1.Flow_FLOW_PAYOUT_CANCEL, "PayoutService", "Cancel", true,
		func() Message { return new(v1.PayoutServiceCancelRequest) }, func() Message { return new(v1.PayoutServiceCancelResponse) }},
	{v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT, "PayoutService", "CreateRecipient", true,
		func() Message { return new(v1.PayoutServiceCreateRecipientRequest) }, func() Message { return new(v1.PayoutServiceCreateRecipientResponse) }},
	{v1.Flow_FLOW_REFUND_CANCEL, "RefundService", "Cancel", true,
		func() Message { return new(v1.RefundServiceCancelRequest) }, func() Message { return new(v1.RefundServiceCancelResponse) }},
}

var byFlow = func() map[v1.Flow]FlowInfo {
	m := make(map[v1.Flow]FlowInfo, len(flows))
	for _, f := range flows {
		m[f.Flow] = f
	}
	return m
}()

// Lookup returns the description of flow.
func Lookup(flow v1.Flow) (FlowInfo, error) {
	f, ok := byFlow[flow]
	if !ok {
		return FlowInfo{}, fmt.Errorf("abi: unknown flow %v", flow)
	}
	return f, nil
}

// Flows lists every flow of ABI v1 in enum order.
func Flows() []FlowInfo {
	out := make([]FlowInfo, len(flows))
	copy(out, flows)
	return out
}

// PackPtrLen packs a guest pointer and length into the uint64 the transform
// exports return: pointer in the high 32 bits, length in the low 32 bits.
func PackPtrLen(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

// UnpackPtrLen splits a value made by PackPtrLen.
func UnpackPtrLen(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }
