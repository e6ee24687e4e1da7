package server

import (
	"context"
	"fmt"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

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
	if tok := state.GetAccessToken(); tok.GetToken() != "" && (tok.GetExpiresAtUnix() == 0 || tok.GetExpiresAtUnix() > nowUnix()+30) {
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

// CompositeGet gets an access token (if needed), then reads the payment.
func (h *compositeService) CompositeGet(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeGetRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeGetResponse], error) {
	call := h.s.call(ctx, req.Header())
	m, err := h.s.x.Manifest(ctx, call.Connector)
	if err != nil {
		return nil, err
	}
	get := proto.Clone(req.Msg.GetGet()).(*v1.PaymentServiceGetRequest)
	state := get.GetState()
	if state == nil {
		state = &v1.ConnectorState{}
	}
	out := &v1.CompositePaymentServiceCompositeGetResponse{}
	state, out.AccessToken, err = h.tokenIfNeeded(ctx, call, m, state)
	if err != nil {
		return nil, err
	}
	get.State = state
	gres, _, err := h.s.x.RunIn(ctx, call, v1.Flow_FLOW_GET, get, state)
	if err != nil {
		return nil, err
	}
	out.Get = gres.(*v1.PaymentServiceGetResponse)
	return connect.NewResponse(out), nil
}
