package executor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/manifest"
)

// Composite flows (CompositePaymentService) run several flows in ONE
// session: one plugin version acquired once for the whole call (a plugin
// hot-loaded meanwhile serves the next call, not the rest of this one), one
// set of credentials, one clock (Options.Now, read when the call starts), and
// the connector state accumulated from step to step.

// tokenSkew is how long before its expiry a token is refreshed.
const tokenSkew = 30 * time.Second

// composite opens a session for a composite call named name, runs fn in it,
// logs the outcome and redacts the error.
func (x *Executor) composite(ctx context.Context, call Call, name string, fn func(s *session) error) error {
	start := time.Now()
	s, release, err := x.open(ctx, call, false)
	if err != nil {
		return markNotSent(err)
	}
	defer release()
	err = fn(s)
	if err != nil && !s.reached {
		err = markNotSent(err)
	}
	x.logCall(ctx, call, name, start, err)
	if err != nil {
		return s.redact(err)
	}
	return nil
}

// now is the session's clock: the executor's clock when the call started.
func (s *session) now() time.Time { return time.UnixMilli(s.cc.GetNowUnixMs()) }

// flow runs one flow of a composite call in the session.
func (s *session) flow(ctx context.Context, flow v1.Flow, req abi.Message) (abi.Message, error) {
	info, err := abi.Lookup(flow)
	if err != nil {
		return nil, newError(KindInternal, err)
	}
	return s.exec(ctx, info, req)
}

// tokenIfNeeded gets an access token when the connector needs one and the
// session's state holds none still valid at the session's time. It returns
// the token it obtained (nil when none was needed); the session's state
// holds it for the next flows.
func (s *session) tokenIfNeeded(ctx context.Context) (*v1.AccessToken, error) {
	if !s.m.GetRequiresAccessToken() || !manifest.Supports(s.m, v1.Flow_FLOW_CREATE_ACCESS_TOKEN) {
		return nil, nil
	}
	if tok := s.state.GetAccessToken(); tok.GetToken() != "" && (tok.GetExpiresAtUnix() == 0 || tok.GetExpiresAtUnix() > s.now().Add(tokenSkew).Unix()) {
		return nil, nil
	}
	out, err := s.flow(ctx, v1.Flow_FLOW_CREATE_ACCESS_TOKEN, &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{State: s.stateCopy()})
	if err != nil {
		return nil, err
	}
	res, ok := out.(*v1.MerchantAuthenticationServiceCreateAccessTokenResponse)
	if !ok {
		return nil, newError(KindInternal, fmt.Errorf("flow %v returned %T", v1.Flow_FLOW_CREATE_ACCESS_TOKEN, out))
	}
	return res.GetAccessToken(), nil
}

// stateCopy is a copy of the session's accumulated state, for a request.
func (s *session) stateCopy() *v1.ConnectorState { return proto.Clone(s.state).(*v1.ConnectorState) }

// withState is a unified request carrying connector state.
type withState interface {
	abi.Message
	stateHolder
}

// tokenThen runs, in one session, an access token step when needed and then
// flow with (a copy of) req carrying the session's state (setState puts it
// on the request); field names req in the composite request. It answers the
// flow's response and the token obtained.
func tokenThen[Req withState, Resp abi.Message](ctx context.Context, x *Executor, call Call, name, field string, flow v1.Flow, req Req, setState func(Req, *v1.ConnectorState)) (Resp, *v1.AccessToken, error) {
	var resp Resp
	var token *v1.AccessToken
	if !req.ProtoReflect().IsValid() { // a nil message: the field was not sent
		return resp, nil, newError(KindInvalidRequest, fmt.Errorf("%s: required", field))
	}
	err := x.composite(ctx, call, name, func(s *session) error {
		req = proto.Clone(req).(Req)
		if st := req.GetState(); st != nil {
			mergeState(s.state, st)
		}
		var err error
		if token, err = s.tokenIfNeeded(ctx); err != nil {
			return err
		}
		setState(req, s.stateCopy())
		out, err := s.flow(ctx, flow, req)
		if err != nil {
			return err
		}
		r, ok := out.(Resp)
		if !ok {
			return newError(KindInternal, fmt.Errorf("flow %v returned %T", flow, out))
		}
		resp = r
		return nil
	})
	return resp, token, err
}

// CompositeAuthorize gets an access token (if needed), creates the customer
// (if asked and supported), then authorizes, all on one plugin version.
func (x *Executor) CompositeAuthorize(ctx context.Context, call Call, req *v1.CompositePaymentServiceCompositeAuthorizeRequest) (*v1.CompositePaymentServiceCompositeAuthorizeResponse, error) {
	if req.GetAuthorize() == nil {
		return nil, newError(KindInvalidRequest, errors.New("authorize: required"))
	}
	out := &v1.CompositePaymentServiceCompositeAuthorizeResponse{}
	err := x.composite(ctx, call, "CompositeAuthorize", func(s *session) error {
		auth := proto.Clone(req.GetAuthorize()).(*v1.PaymentServiceAuthorizeRequest)
		if st := auth.GetState(); st != nil {
			mergeState(s.state, st)
		}
		var err error
		if out.AccessToken, err = s.tokenIfNeeded(ctx); err != nil {
			return err
		}
		if req.GetCreateCustomer() && auth.GetCustomer().GetConnectorCustomerId() == "" && s.state.GetConnectorCustomerId() == "" {
			if !manifest.Supports(s.m, v1.Flow_FLOW_CREATE_CUSTOMER) {
				return newError(KindUnsupported, fmt.Errorf("connector %q cannot create customers; send create_customer=false", call.Connector))
			}
			if auth.GetCustomer() == nil {
				return newError(KindInvalidRequest, errors.New("authorize.customer: required when create_customer is true"))
			}
			cres, err := s.flow(ctx, v1.Flow_FLOW_CREATE_CUSTOMER, &v1.CustomerServiceCreateRequest{
				Customer: auth.GetCustomer(), Address: auth.GetBillingAddress(), State: s.stateCopy(),
				MerchantRequestId: "cus_" + auth.GetMerchantTransactionId(),
			})
			if err != nil {
				return err
			}
			c, ok := cres.(*v1.CustomerServiceCreateResponse)
			if !ok {
				return newError(KindInternal, fmt.Errorf("flow %v returned %T", v1.Flow_FLOW_CREATE_CUSTOMER, cres))
			}
			out.ConnectorCustomerId = c.GetConnectorCustomerId()
			auth.Customer.ConnectorCustomerId = out.ConnectorCustomerId
		}
		auth.State = s.stateCopy()
		ares, err := s.flow(ctx, v1.Flow_FLOW_AUTHORIZE, auth)
		if err != nil {
			return err
		}
		a, ok := ares.(*v1.PaymentServiceAuthorizeResponse)
		if !ok {
			return newError(KindInternal, fmt.Errorf("flow %v returned %T", v1.Flow_FLOW_AUTHORIZE, ares))
		}
		out.Authorize = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CompositeGet gets an access token (if needed), then reads the payment.
func (x *Executor) CompositeGet(ctx context.Context, call Call, req *v1.CompositePaymentServiceCompositeGetRequest) (*v1.CompositePaymentServiceCompositeGetResponse, error) {
	out, token, err := tokenThen[*v1.PaymentServiceGetRequest, *v1.PaymentServiceGetResponse](ctx, x, call, "CompositeGet", "get", v1.Flow_FLOW_GET,
		req.GetGet(), func(r *v1.PaymentServiceGetRequest, st *v1.ConnectorState) { r.State = st })
	if err != nil {
		return nil, err
	}
	return &v1.CompositePaymentServiceCompositeGetResponse{Get: out, AccessToken: token}, nil
}

// CompositeCapture gets an access token (if needed), then captures.
func (x *Executor) CompositeCapture(ctx context.Context, call Call, req *v1.CompositePaymentServiceCompositeCaptureRequest) (*v1.CompositePaymentServiceCompositeCaptureResponse, error) {
	out, token, err := tokenThen[*v1.PaymentServiceCaptureRequest, *v1.PaymentServiceCaptureResponse](ctx, x, call, "CompositeCapture", "capture", v1.Flow_FLOW_CAPTURE,
		req.GetCapture(), func(r *v1.PaymentServiceCaptureRequest, st *v1.ConnectorState) { r.State = st })
	if err != nil {
		return nil, err
	}
	return &v1.CompositePaymentServiceCompositeCaptureResponse{Capture: out, AccessToken: token}, nil
}

// CompositeVoid gets an access token (if needed), then voids.
func (x *Executor) CompositeVoid(ctx context.Context, call Call, req *v1.CompositePaymentServiceCompositeVoidRequest) (*v1.CompositePaymentServiceCompositeVoidResponse, error) {
	out, token, err := tokenThen[*v1.PaymentServiceVoidRequest, *v1.PaymentServiceVoidResponse](ctx, x, call, "CompositeVoid", "void", v1.Flow_FLOW_VOID,
		req.GetVoid(), func(r *v1.PaymentServiceVoidRequest, st *v1.ConnectorState) { r.State = st })
	if err != nil {
		return nil, err
	}
	return &v1.CompositePaymentServiceCompositeVoidResponse{Void: out, AccessToken: token}, nil
}

// CompositeRefund gets an access token (if needed), then refunds.
func (x *Executor) CompositeRefund(ctx context.Context, call Call, req *v1.CompositePaymentServiceCompositeRefundRequest) (*v1.CompositePaymentServiceCompositeRefundResponse, error) {
	out, token, err := tokenThen[*v1.PaymentServiceRefundRequest, *v1.PaymentServiceRefundResponse](ctx, x, call, "CompositeRefund", "refund", v1.Flow_FLOW_REFUND,
		req.GetRefund(), func(r *v1.PaymentServiceRefundRequest, st *v1.ConnectorState) { r.State = st })
	if err != nil {
		return nil, err
	}
	return &v1.CompositePaymentServiceCompositeRefundResponse{Refund: out, AccessToken: token}, nil
}
