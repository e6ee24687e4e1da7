package server

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// eventService implements EventService.
type eventService struct{ s *Server }

// HandleEvent verifies any webhook and returns all its events.
func (h *eventService) HandleEvent(ctx context.Context, req *connect.Request[v1.EventServiceHandleEventRequest]) (*connect.Response[v1.EventServiceHandleEventResponse], error) {
	res, err := h.s.x.Webhook(ctx, h.s.call(ctx, req.Header()), req.Msg.GetWebhook())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&v1.EventServiceHandleEventResponse{Events: res.GetEvents(), Acknowledgement: res.GetAcknowledgement()}), nil
}

// ParseEvent reads a webhook without credentials or verification.
func (h *eventService) ParseEvent(ctx context.Context, req *connect.Request[v1.EventServiceParseEventRequest]) (*connect.Response[v1.EventServiceParseEventResponse], error) {
	res, err := h.s.x.ParseWebhook(ctx, h.s.call(ctx, req.Header()), req.Msg.GetWebhook())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&v1.EventServiceParseEventResponse{Events: res.GetEvents(), Verified: false}), nil
}

// handleKind verifies a webhook for a service that answers events of one
// kind. It returns every event of the webhook or none: a webhook carrying
// events of another kind (an Adyen batch with AUTHORISATION and REFUND
// items) is refused whole with FailedPrecondition and no acknowledgement,
// naming EventService.HandleEvent, which returns every event. Answering
// with the matching events only would hand the caller an acknowledgement
// for events it never saw, and the processor would not send them again.
func (s *Server) handleKind(ctx context.Context, req connect.AnyRequest, w *v1.WebhookRequest, kind v1.EventKind, service string) ([]*v1.Event, *v1.Acknowledgement, error) {
	res, err := s.x.Webhook(ctx, s.call(ctx, req.Header()), w)
	if err != nil {
		return nil, nil, err
	}
	others := map[string]bool{}
	for _, ev := range res.GetEvents() {
		if ev.GetKind() != kind {
			others[strings.ToLower(strings.TrimPrefix(ev.GetKind().String(), "EVENT_KIND_"))] = true
		}
	}
	if len(others) > 0 {
		names := slices.Sorted(maps.Keys(others))
		want := strings.ToLower(strings.TrimPrefix(kind.String(), "EVENT_KIND_"))
		return nil, nil, connect.NewError(connect.CodeFailedPrecondition,
			fmt.Errorf("this webhook carries %s events and %s.HandleEvent answers only %s events; nothing was acknowledged: send the whole webhook to EventService.HandleEvent, which returns every event", strings.Join(names, "/"), service, want))
	}
	return res.GetEvents(), res.GetAcknowledgement(), nil
}

// HandleEvent verifies a payment webhook.
func (h *paymentService) HandleEvent(ctx context.Context, req *connect.Request[v1.PaymentServiceHandleEventRequest]) (*connect.Response[v1.PaymentServiceHandleEventResponse], error) {
	evs, ack, err := h.s.handleKind(ctx, req, req.Msg.GetWebhook(), v1.EventKind_EVENT_KIND_PAYMENT, "PaymentService")
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&v1.PaymentServiceHandleEventResponse{Events: evs, Acknowledgement: ack}), nil
}

// HandleEvent verifies a refund webhook.
func (h *refundService) HandleEvent(ctx context.Context, req *connect.Request[v1.RefundServiceHandleEventRequest]) (*connect.Response[v1.RefundServiceHandleEventResponse], error) {
	evs, ack, err := h.s.handleKind(ctx, req, req.Msg.GetWebhook(), v1.EventKind_EVENT_KIND_REFUND, "RefundService")
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&v1.RefundServiceHandleEventResponse{Events: evs, Acknowledgement: ack}), nil
}

// HandleEvent verifies a dispute webhook.
func (h *disputeService) HandleEvent(ctx context.Context, req *connect.Request[v1.DisputeServiceHandleEventRequest]) (*connect.Response[v1.DisputeServiceHandleEventResponse], error) {
	evs, ack, err := h.s.handleKind(ctx, req, req.Msg.GetWebhook(), v1.EventKind_EVENT_KIND_DISPUTE, "DisputeService")
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&v1.DisputeServiceHandleEventResponse{Events: evs, Acknowledgement: ack}), nil
}
