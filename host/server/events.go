package server

import (
	"context"
	"fmt"
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

// handleKind verifies a webhook and keeps the events of one kind. A webhook
// whose events are all of other kinds is refused with FailedPrecondition
// naming the service that handles them, so nothing is silently dropped.
func (s *Server) handleKind(ctx context.Context, req connect.AnyRequest, w *v1.WebhookRequest, kind v1.EventKind, service string) ([]*v1.Event, *v1.Acknowledgement, error) {
	res, err := s.x.Webhook(ctx, s.call(ctx, req.Header()), w)
	if err != nil {
		return nil, nil, err
	}
	var keep []*v1.Event
	others := map[string]bool{}
	for _, ev := range res.GetEvents() {
		if ev.GetKind() == kind {
			keep = append(keep, ev)
		} else {
			others[strings.ToLower(strings.TrimPrefix(ev.GetKind().String(), "EVENT_KIND_"))] = true
		}
	}
	if len(keep) == 0 && len(others) > 0 {
		var names []string
		for n := range others {
			names = append(names, n)
		}
		return nil, nil, connect.NewError(connect.CodeFailedPrecondition,
			fmt.Errorf("this webhook carries %s events, not the events %s handles; send it to EventService.HandleEvent", strings.Join(names, "/"), service))
	}
	return keep, res.GetAcknowledgement(), nil
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
