package server

import (
	"context"
	"fmt"
	"net/http"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/executor"
	"github.com/connectorhost/connector-host/host/manifest"
)

// compositeService implements CompositePaymentService: several flows in one
// call, sharing connector state.
type compositeService struct{ s *Server }

// tokenIfNeeded gets an access token when the connector needs one and the
// state has none that is still valid.
func (h *compositeService) tokenIfNeeded(ctx context.Context, call executor.Call, m *v1.Manifest, state *v1.ConnectorState) (*v1.ConnectorState, *v1.AccessToken, error) {
	if !m.GetRequiresAccessToken() || !manifest.Supports(m, v1.Flow_FLOW_CREATE_ACCESS_TOKEN) {
		return state, nil, nil
	}
	if tok := state.GetAccessToken(); tok.GetToken() != "" && (tok.GetExpiresAtUnix() == 0 || tok.GetExpiresAtUnix() > h.s.x.Now().Unix()+30) {
		return state, nil, nil
	}
	out, st, err := h.s.x.RunIn(ctx, call, v1.Flow_FLOW_CREATE_ACCESS_TOKEN, &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{State: state}, state)
	if err != nil {
		return nil, nil, err
	}
	return st, out.(*v1.MerchantAuthenticationServiceCreateAccessTokenResponse).GetAccessToken(), nil
}

// CompositeAuthorize gets an access token (if needed), creates the customer
// (if asked and supported), then authorizes.
func (h *compositeService) CompositeAuthorize(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeAuthorizeRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeAuthorizeResponse], error) {
	call := h.s.call(ctx, req.Header())
	m, err := h.s.x.Manifest(ctx, call.Connector)
	if err != nil {
		return nil, err
	}
	auth := proto.Clone(req.Msg.GetAuthorize()).(*v1.PaymentServiceAuthorizeRequest)
	state := auth.GetState()
	if state == nil {
		state = &v1.ConnectorState{}
	}
	out := &v1.CompositePaymentServiceCompositeAuthorizeResponse{}
	state, out.AccessToken, err = h.tokenIfNeeded(ctx, call, m, state)
	if err != nil {
		return nil, err
	}
	if req.Msg.GetCreateCustomer() && auth.GetCustomer().GetConnectorCustomerId() == "" && state.GetConnectorCustomerId() == "" {
		if !manifest.Supports(m, v1.Flow_FLOW_CREATE_CUSTOMER) {
			return nil, connect.NewError(connect.CodeUnimplemented, fmt.Errorf("connector %q cannot create customers; send create_customer=false", call.Connector))
		}
		if auth.GetCustomer() == nil {
			return nil, connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("authorize.customer: required when create_customer is true"))
		}
		cres, st, err := h.s.x.RunIn(ctx, call, v1.Flow_FLOW_CREATE_CUSTOMER, &v1.CustomerServiceCreateRequest{
			Customer: auth.GetCustomer(), Address: auth.GetBillingAddress(), State: state,
			MerchantRequestId: "cus_" + auth.GetMerchantTransactionId(),
		}, state)
		if err != nil {
			return nil, err
		}
		state = st
		out.ConnectorCustomerId = cres.(*v1.CustomerServiceCreateResponse).GetConnectorCustomerId()
		auth.Customer.ConnectorCustomerId = out.ConnectorCustomerId
	}
	auth.State = state
	ares, _, err := h.s.x.RunIn(ctx, call, v1.Flow_FLOW_AUTHORIZE, auth, state)
	if err != nil {
		return nil, err
	}
	out.Authorize = ares.(*v1.PaymentServiceAuthorizeResponse)
	return connect.NewResponse(out), nil
}

// stateful is a unified request that carries connector state.
type stateful interface {
	abi.Message
	GetState() *v1.ConnectorState
}

// withToken runs one flow after getting an access token when the connector
// needs one and req's state has none still valid. setState puts the state
// holding the token on (a copy of) req. It answers the flow's response and
// the token it obtained, if any.
func withToken[Req stateful, Resp any](ctx context.Context, h *compositeService, hdr http.Header, flow v1.Flow, req Req, setState func(Req, *v1.ConnectorState)) (*Resp, *v1.AccessToken, error) {
	call := h.s.call(ctx, hdr)
	m, err := h.s.x.Manifest(ctx, call.Connector)
	if err != nil {
		return nil, nil, err
	}
	req = proto.Clone(req).(Req)
	state := req.GetState()
	if state == nil {
		state = &v1.ConnectorState{}
	}
	state, token, err := h.tokenIfNeeded(ctx, call, m, state)
	if err != nil {
		return nil, nil, err
	}
	setState(req, state)
	out, _, err := h.s.x.RunIn(ctx, call, flow, req, state)
	if err != nil {
		return nil, nil, err
	}
	resp, ok := any(out).(*Resp)
	if !ok {
		return nil, nil, connect.NewError(connect.CodeInternal, fmt.Errorf("flow %v returned %T", flow, out))
	}
	return resp, token, nil
}

// CompositeGet gets an access token (if needed), then reads the payment.
func (h *compositeService) CompositeGet(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeGetRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeGetResponse], error) {
	out, token, err := withToken[*v1.PaymentServiceGetRequest, v1.PaymentServiceGetResponse](ctx, h, req.Header(), v1.Flow_FLOW_GET,
		req.Msg.GetGet(), func(r *v1.PaymentServiceGetRequest, st *v1.ConnectorState) { r.State = st })
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&v1.CompositePaymentServiceCompositeGetResponse{Get: out, AccessToken: token}), nil
}

// CompositeCapture gets an access token (if needed), then captures.
func (h *compositeService) CompositeCapture(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeCaptureRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeCaptureResponse], error) {
	out, token, err := withToken[*v1.PaymentServiceCaptureRequest, v1.PaymentServiceCaptureResponse](ctx, h, req.Header(), v1.Flow_FLOW_CAPTURE,
		req.Msg.GetCapture(), func(r *v1.PaymentServiceCaptureRequest, st *v1.ConnectorState) { r.State = st })
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&v1.CompositePaymentServiceCompositeCaptureResponse{Capture: out, AccessToken: token}), nil
}

// CompositeVoid gets an access token (if needed), then voids.
func (h *compositeService) CompositeVoid(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeVoidRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeVoidResponse], error) {
	out, token, err := withToken[*v1.PaymentServiceVoidRequest, v1.PaymentServiceVoidResponse](ctx, h, req.Header(), v1.Flow_FLOW_VOID,
		req.Msg.GetVoid(), func(r *v1.PaymentServiceVoidRequest, st *v1.ConnectorState) { r.State = st })
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&v1.CompositePaymentServiceCompositeVoidResponse{Void: out, AccessToken: token}), nil
}

// CompositeRefund gets an access token (if needed), then refunds.
func (h *compositeService) CompositeRefund(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeRefundRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeRefundResponse], error) {
	out, token, err := withToken[*v1.PaymentServiceRefundRequest, v1.PaymentServiceRefundResponse](ctx, h, req.Header(), v1.Flow_FLOW_REFUND,
		req.Msg.GetRefund(), func(r *v1.PaymentServiceRefundRequest, st *v1.ConnectorState) { r.State = st })
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&v1.CompositePaymentServiceCompositeRefundResponse{Refund: out, AccessToken: token}), nil
}
