package server

import (
	"context"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// compositeService implements CompositePaymentService. The orchestration
// (one session, one plugin version, the executor's clock) is the
// executor's; the service only reads the call from the headers and wraps
// the messages.
type compositeService struct{ s *Server }

// CompositeAuthorize gets an access token (if needed), creates the customer
// (if asked and supported), then authorizes.
func (h *compositeService) CompositeAuthorize(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeAuthorizeRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeAuthorizeResponse], error) {
	return respond(h.s.x.CompositeAuthorize(ctx, h.s.call(ctx, req.Header()), req.Msg))
}

// CompositeGet gets an access token (if needed), then reads the payment.
func (h *compositeService) CompositeGet(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeGetRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeGetResponse], error) {
	return respond(h.s.x.CompositeGet(ctx, h.s.call(ctx, req.Header()), req.Msg))
}

// CompositeCapture gets an access token (if needed), then captures.
func (h *compositeService) CompositeCapture(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeCaptureRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeCaptureResponse], error) {
	return respond(h.s.x.CompositeCapture(ctx, h.s.call(ctx, req.Header()), req.Msg))
}

// CompositeVoid gets an access token (if needed), then voids.
func (h *compositeService) CompositeVoid(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeVoidRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeVoidResponse], error) {
	return respond(h.s.x.CompositeVoid(ctx, h.s.call(ctx, req.Header()), req.Msg))
}

// CompositeRefund gets an access token (if needed), then refunds.
func (h *compositeService) CompositeRefund(ctx context.Context, req *connect.Request[v1.CompositePaymentServiceCompositeRefundRequest]) (*connect.Response[v1.CompositePaymentServiceCompositeRefundResponse], error) {
	return respond(h.s.x.CompositeRefund(ctx, h.s.call(ctx, req.Header()), req.Msg))
}

// respond wraps an executor answer for Connect.
func respond[T any](msg *T, err error) (*connect.Response[T], error) {
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(msg), nil
}
