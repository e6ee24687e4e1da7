// Flow handler table: one field per flow of ABI v1 (see abi).

package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// Flows holds one handler per flow; leave a flow's handler zero when the
// connector does not support it. The manifest's flow list is derived from the
// handlers that are set.
type Flows struct {
	Authorize                Handler[*v1.PaymentServiceAuthorizeRequest, *v1.PaymentServiceAuthorizeResponse]
	Capture                  Handler[*v1.PaymentServiceCaptureRequest, *v1.PaymentServiceCaptureResponse]
	Get                      Handler[*v1.PaymentServiceGetRequest, *v1.PaymentServiceGetResponse]
	Void                     Handler[*v1.PaymentServiceVoidRequest, *v1.PaymentServiceVoidResponse]
	Reverse                  Handler[*v1.PaymentServiceReverseRequest, *v1.PaymentServiceReverseResponse]
	Refund                   Handler[*v1.PaymentServiceRefundRequest, *v1.PaymentServiceRefundResponse]
	CreateOrder              Handler[*v1.PaymentServiceCreateOrderRequest, *v1.PaymentServiceCreateOrderResponse]
	SetupRecurring           Handler[*v1.PaymentServiceSetupRecurringRequest, *v1.PaymentServiceSetupRecurringResponse]
	IncrementalAuthorization Handler[*v1.PaymentServiceIncrementalAuthorizationRequest, *v1.PaymentServiceIncrementalAuthorizationResponse]
	VerifyRedirectResponse   Handler[*v1.PaymentServiceVerifyRedirectResponseRequest, *v1.PaymentServiceVerifyRedirectResponseResponse]
	RecurringCharge          Handler[*v1.RecurringPaymentServiceChargeRequest, *v1.RecurringPaymentServiceChargeResponse]
	RecurringRevoke          Handler[*v1.RecurringPaymentServiceRevokeRequest, *v1.RecurringPaymentServiceRevokeResponse]
	RefundGet                Handler[*v1.RefundServiceGetRequest, *v1.RefundServiceGetResponse]
	DisputeSubmitEvidence    Handler[*v1.DisputeServiceSubmitEvidenceRequest, *v1.DisputeServiceSubmitEvidenceResponse]
	DisputeGet               Handler[*v1.DisputeServiceGetRequest, *v1.DisputeServiceGetResponse]
	DisputeDefend            Handler[*v1.DisputeServiceDefendRequest, *v1.DisputeServiceDefendResponse]
	DisputeAccept            Handler[*v1.DisputeServiceAcceptRequest, *v1.DisputeServiceAcceptResponse]
	CreateAccessToken        Handler[*v1.MerchantAuthenticationServiceCreateAccessTokenRequest, *v1.MerchantAuthenticationServiceCreateAccessTokenResponse]
	CreateSessionToken       Handler[*v1.MerchantAuthenticationServiceCreateSessionTokenRequest, *v1.MerchantAuthenticationServiceCreateSessionTokenResponse]
	CreateSdkSessionToken    Handler[*v1.MerchantAuthenticationServiceCreateSdkSessionTokenRequest, *v1.MerchantAuthenticationServiceCreateSdkSessionTokenResponse]
	PreAuthenticate          Handler[*v1.PaymentMethodAuthenticationServicePreAuthenticateRequest, *v1.PaymentMethodAuthenticationServicePreAuthenticateResponse]
	Authenticate             Handler[*v1.PaymentMethodAuthenticationServiceAuthenticateRequest, *v1.PaymentMethodAuthenticationServiceAuthenticateResponse]
	PostAuthenticate         Handler[*v1.PaymentMethodAuthenticationServicePostAuthenticateRequest, *v1.PaymentMethodAuthenticationServicePostAuthenticateResponse]
	Tokenize                 Handler[*v1.PaymentMethodServiceTokenizeRequest, *v1.PaymentMethodServiceTokenizeResponse]
	CreateCustomer           Handler[*v1.CustomerServiceCreateRequest, *v1.CustomerServiceCreateResponse]
	PayoutCreate             Handler[*v1.PayoutServiceCreateRequest, *v1.PayoutServiceCreateResponse]
	PayoutGet                Handler[*v1.PayoutServiceGetRequest, *v1.PayoutServiceGetResponse]
	PayoutCancel             Handler[*v1.PayoutServiceCancelRequest, *v1.PayoutServiceCancelResponse]
	PayoutCreateRecipient    Handler[*v1.PayoutServiceCreateRecipientRequest, *v1.PayoutServiceCreateRecipientResponse]
	RefundCancel             Handler[*v1.RefundServiceCancelRequest, *v1.RefundServiceCancelResponse]
}

// table lists the set handlers by flow.
func (f *Flows) table() map[v1.Flow]flowImpl {
	t := map[v1.Flow]flowImpl{}
	if f.Authorize.set() {
		t[v1.Flow_FLOW_AUTHORIZE] = f.Authorize.impl(func() *v1.PaymentServiceAuthorizeRequest { return new(v1.PaymentServiceAuthorizeRequest) })
	}
	if f.Capture.set() {
		t[v1.Flow_FLOW_CAPTURE] = f.Capture.impl(func() *v1.PaymentServiceCaptureRequest { return new(v1.PaymentServiceCaptureRequest) })
	}
	if f.Get.set() {
		t[v1.Flow_FLOW_GET] = f.Get.impl(func() *v1.PaymentServiceGetRequest { return new(v1.PaymentServiceGetRequest) })
	}
	if f.Void.set() {
		t[v1.Flow_FLOW_VOID] = f.Void.impl(func() *v1.PaymentServiceVoidRequest { return new(v1.PaymentServiceVoidRequest) })
	}
	if f.Reverse.set() {
		t[v1.Flow_FLOW_REVERSE] = f.Reverse.impl(func() *v1.PaymentServiceReverseRequest { return new(v1.PaymentServiceReverseRequest) })
	}
	if f.Refund.set() {
		t[v1.Flow_FLOW_REFUND] = f.Refund.impl(func() *v1.PaymentServiceRefundRequest { return new(v1.PaymentServiceRefundRequest) })
	}
	if f.CreateOrder.set() {
		t[v1.Flow_FLOW_CREATE_ORDER] = f.CreateOrder.impl(func() *v1.PaymentServiceCreateOrderRequest { return new(v1.PaymentServiceCreateOrderRequest) })
	}
	if f.SetupRecurring.set() {
		t[v1.Flow_FLOW_SETUP_RECURRING] = f.SetupRecurring.impl(func() *v1.PaymentServiceSetupRecurringRequest { return new(v1.PaymentServiceSetupRecurringRequest) })
	}
	if f.IncrementalAuthorization.set() {
		t[v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION] = f.IncrementalAuthorization.impl(func() *v1.PaymentServiceIncrementalAuthorizationRequest {
			return new(v1.PaymentServiceIncrementalAuthorizationRequest)
		})
	}
	if f.VerifyRedirectResponse.set() {
		t[v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE] = f.VerifyRedirectResponse.impl(func() *v1.PaymentServiceVerifyRedirectResponseRequest {
			return new(v1.PaymentServiceVerifyRedirectResponseRequest)
		})
	}
	if f.RecurringCharge.set() {
		t[v1.Flow_FLOW_RECURRING_CHARGE] = f.RecurringCharge.impl(func() *v1.RecurringPaymentServiceChargeRequest { return new(v1.RecurringPaymentServiceChargeRequest) })
	}
	if f.RecurringRevoke.set() {
		t[v1.Flow_FLOW_RECURRING_REVOKE] = f.RecurringRevoke.impl(func() *v1.RecurringPaymentServiceRevokeRequest { return new(v1.RecurringPaymentServiceRevokeRequest) })
	}
	if f.RefundGet.set() {
		t[v1.Flow_FLOW_REFUND_GET] = f.RefundGet.impl(func() *v1.RefundServiceGetRequest { return new(v1.RefundServiceGetRequest) })
	}
	if f.DisputeSubmitEvidence.set() {
		t[v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE] = f.DisputeSubmitEvidence.impl(func() *v1.DisputeServiceSubmitEvidenceRequest { return new(v1.DisputeServiceSubmitEvidenceRequest) })
	}
	if f.DisputeGet.set() {
		t[v1.Flow_FLOW_DISPUTE_GET] = f.DisputeGet.impl(func() *v1.DisputeServiceGetRequest { return new(v1.DisputeServiceGetRequest) })
	}
	if f.DisputeDefend.set() {
		t[v1.Flow_FLOW_DISPUTE_DEFEND] = f.DisputeDefend.impl(func() *v1.DisputeServiceDefendRequest { return new(v1.DisputeServiceDefendRequest) })
	}
	if f.DisputeAccept.set() {
		t[v1.Flow_FLOW_DISPUTE_ACCEPT] = f.DisputeAccept.impl(func() *v1.DisputeServiceAcceptRequest { return new(v1.DisputeServiceAcceptRequest) })
	}
	if f.CreateAccessToken.set() {
		t[v1.Flow_FLOW_CREATE_ACCESS_TOKEN] = f.CreateAccessToken.impl(func() *v1.MerchantAuthenticationServiceCreateAccessTokenRequest {
			return new(v1.MerchantAuthenticationServiceCreateAccessTokenRequest)
		})
	}
	if f.CreateSessionToken.set() {
		t[v1.Flow_FLOW_CREATE_SESSION_TOKEN] = f.CreateSessionToken.impl(func() *v1.MerchantAuthenticationServiceCreateSessionTokenRequest {
			return new(v1.MerchantAuthenticationServiceCreateSessionTokenRequest)
		})
	}
	if f.CreateSdkSessionToken.set() {
		t[v1.Flow_FLOW_CREATE_SDK_SESSION_TOKEN] = f.CreateSdkSessionToken.impl(func() *v1.MerchantAuthenticationServiceCreateSdkSessionTokenRequest {
			return new(v1.MerchantAuthenticationServiceCreateSdkSessionTokenRequest)
		})
	}
	if f.PreAuthenticate.set() {
		t[v1.Flow_FLOW_PRE_AUTHENTICATE] = f.PreAuthenticate.impl(func() *v1.PaymentMethodAuthenticationServicePreAuthenticateRequest {
			return new(v1.PaymentMethodAuthenticationServicePreAuthenticateRequest)
		})
	}
	if f.Authenticate.set() {
		t[v1.Flow_FLOW_AUTHENTICATE] = f.Authenticate.impl(func() *v1.PaymentMethodAuthenticationServiceAuthenticateRequest {
			return new(v1.PaymentMethodAuthenticationServiceAuthenticateRequest)
		})
	}
	if f.PostAuthenticate.set() {
		t[v1.Flow_FLOW_POST_AUTHENTICATE] = f.PostAuthenticate.impl(func() *v1.PaymentMethodAuthenticationServicePostAuthenticateRequest {
			return new(v1.PaymentMethodAuthenticationServicePostAuthenticateRequest)
		})
	}
	if f.Tokenize.set() {
		t[v1.Flow_FLOW_TOKENIZE] = f.Tokenize.impl(func() *v1.PaymentMethodServiceTokenizeRequest { return new(v1.PaymentMethodServiceTokenizeRequest) })
	}
	if f.CreateCustomer.set() {
		t[v1.Flow_FLOW_CREATE_CUSTOMER] = f.CreateCustomer.impl(func() *v1.CustomerServiceCreateRequest { return new(v1.CustomerServiceCreateRequest) })
	}
	if f.PayoutCreate.set() {
		t[v1.Flow_FLOW_PAYOUT_CREATE] = f.PayoutCreate.impl(func() *v1.PayoutServiceCreateRequest { return new(v1.PayoutServiceCreateRequest) })
	}
	if f.PayoutGet.set() {
		t[v1.Flow_FLOW_PAYOUT_GET] = f.PayoutGet.impl(func() *v1.PayoutServiceGetRequest { return new(v1.PayoutServiceGetRequest) })
	}
	if f.PayoutCancel.set() {
		t[v1.Flow_FLOW_PAYOUT_CANCEL] = f.PayoutCancel.impl(func() *v1.PayoutServiceCancelRequest { return new(v1.PayoutServiceCancelRequest) })
	}
	if f.PayoutCreateRecipient.set() {
		t[v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT] = f.PayoutCreateRecipient.impl(func() *v1.PayoutServiceCreateRecipientRequest {
			return new(v1.PayoutServiceCreateRecipientRequest)
		})
	}
	if f.RefundCancel.set() {
		t[v1.Flow_FLOW_REFUND_CANCEL] = f.RefundCancel.impl(func() *v1.RefundServiceCancelRequest { return new(v1.RefundServiceCancelRequest) })
	}
	return t
}
