// Package connectors calls connectors for the platform through the
// connector host's Connect API: either a host embedded in the platform's
// process (Local: the host's own app package loads a plugin directory and
// serves on a loopback port only the platform uses) or a remote connector
// host (a connector's host_url). Both paths are the same generated Connect
// clients, so a connector behaves the same wherever its host runs.
package connectors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
)

// Target is where and as whom one call runs.
type Target struct {
	// Plugin is the connector name the host knows (x-connector): stripe, adyen.
	Plugin string
	// HostURL is a remote connector host; "" is the in-process host.
	HostURL string
	// Credentials are the connector's credential fields (x-connector-auth).
	Credentials map[string]string
}

type clients struct {
	payments   connectorhostv1connect.PaymentServiceClient
	methods    connectorhostv1connect.PaymentMethodServiceClient
	events     connectorhostv1connect.EventServiceClient
	refunds    connectorhostv1connect.RefundServiceClient
	disputes   connectorhostv1connect.DisputeServiceClient
	connectors connectorhostv1connect.ConnectorServiceClient
}

// errNoHost: a connector with no host to run on; nothing was sent.
var errNoHost = errors.New("no in-process connector host is running and the connector names no host_url")

// Gateway sends unified calls to connector hosts.
type Gateway struct {
	local string
	hc    *http.Client
	mu    sync.Mutex
	hosts map[string]*clients
}

// NewGateway returns a gateway whose in-process host is at localURL ("" when
// there is none: every connector must then name a host_url).
func NewGateway(localURL string, timeout time.Duration) *Gateway {
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	return &Gateway{local: localURL, hc: &http.Client{Timeout: timeout}, hosts: map[string]*clients{}}
}

// LocalURL is the in-process host's URL, "" when there is none.
func (g *Gateway) LocalURL() string { return g.local }

func (g *Gateway) clientsFor(t Target) (*clients, error) {
	base := strings.TrimRight(t.HostURL, "/")
	if base == "" {
		base = g.local
	}
	if base == "" {
		return nil, connect.NewError(connect.CodeUnavailable, errNoHost)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.hosts[base]
	if c == nil {
		c = &clients{
			payments:   connectorhostv1connect.NewPaymentServiceClient(g.hc, base),
			methods:    connectorhostv1connect.NewPaymentMethodServiceClient(g.hc, base),
			events:     connectorhostv1connect.NewEventServiceClient(g.hc, base),
			refunds:    connectorhostv1connect.NewRefundServiceClient(g.hc, base),
			disputes:   connectorhostv1connect.NewDisputeServiceClient(g.hc, base),
			connectors: connectorhostv1connect.NewConnectorServiceClient(g.hc, base),
		}
		g.hosts[base] = c
	}
	return c, nil
}

func call[Req, Res any](ctx context.Context, g *Gateway, t Target, pick func(*clients) func(context.Context, *connect.Request[Req]) (*connect.Response[Res], error), req *Req) (*Res, error) {
	c, err := g.clientsFor(t)
	if err != nil {
		return nil, err
	}
	r := connect.NewRequest(req)
	r.Header().Set("x-connector", t.Plugin)
	if len(t.Credentials) > 0 {
		b, err := json.Marshal(t.Credentials)
		if err != nil {
			return nil, fmt.Errorf("credentials: %w", err)
		}
		r.Header().Set("x-connector-auth", string(b))
	}
	res, err := pick(c)(ctx, r)
	if err != nil {
		return nil, err
	}
	return res.Msg, nil
}

// Authorize authorizes (or charges) a payment.
func (g *Gateway) Authorize(ctx context.Context, t Target, req *v1.PaymentServiceAuthorizeRequest) (*v1.PaymentServiceAuthorizeResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.PaymentServiceAuthorizeRequest]) (*connect.Response[v1.PaymentServiceAuthorizeResponse], error) {
		return c.payments.Authorize
	}, req)
}

// Capture captures an authorized payment.
func (g *Gateway) Capture(ctx context.Context, t Target, req *v1.PaymentServiceCaptureRequest) (*v1.PaymentServiceCaptureResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.PaymentServiceCaptureRequest]) (*connect.Response[v1.PaymentServiceCaptureResponse], error) {
		return c.payments.Capture
	}, req)
}

// Void releases an authorization.
func (g *Gateway) Void(ctx context.Context, t Target, req *v1.PaymentServiceVoidRequest) (*v1.PaymentServiceVoidResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.PaymentServiceVoidRequest]) (*connect.Response[v1.PaymentServiceVoidResponse], error) {
		return c.payments.Void
	}, req)
}

// Refund refunds a captured payment.
func (g *Gateway) Refund(ctx context.Context, t Target, req *v1.PaymentServiceRefundRequest) (*v1.PaymentServiceRefundResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.PaymentServiceRefundRequest]) (*connect.Response[v1.PaymentServiceRefundResponse], error) {
		return c.payments.Refund
	}, req)
}

// CancelRefund cancels a refund the processor has not yet sent.
func (g *Gateway) CancelRefund(ctx context.Context, t Target, req *v1.RefundServiceCancelRequest) (*v1.RefundServiceCancelResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.RefundServiceCancelRequest]) (*connect.Response[v1.RefundServiceCancelResponse], error) {
		return c.refunds.Cancel
	}, req)
}

// SetupRecurring verifies and stores a payment method for later charges.
func (g *Gateway) SetupRecurring(ctx context.Context, t Target, req *v1.PaymentServiceSetupRecurringRequest) (*v1.PaymentServiceSetupRecurringResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.PaymentServiceSetupRecurringRequest]) (*connect.Response[v1.PaymentServiceSetupRecurringResponse], error) {
		return c.payments.SetupRecurring
	}, req)
}

// VerifyRedirect completes a payment after 3DS or a redirect.
func (g *Gateway) VerifyRedirect(ctx context.Context, t Target, req *v1.PaymentServiceVerifyRedirectResponseRequest) (*v1.PaymentServiceVerifyRedirectResponseResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.PaymentServiceVerifyRedirectResponseRequest]) (*connect.Response[v1.PaymentServiceVerifyRedirectResponseResponse], error) {
		return c.payments.VerifyRedirectResponse
	}, req)
}

// Tokenize stores a payment method at the processor.
func (g *Gateway) Tokenize(ctx context.Context, t Target, req *v1.PaymentMethodServiceTokenizeRequest) (*v1.PaymentMethodServiceTokenizeResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.PaymentMethodServiceTokenizeRequest]) (*connect.Response[v1.PaymentMethodServiceTokenizeResponse], error) {
		return c.methods.Tokenize
	}, req)
}

// SubmitEvidence sends dispute evidence.
func (g *Gateway) SubmitEvidence(ctx context.Context, t Target, req *v1.DisputeServiceSubmitEvidenceRequest) (*v1.DisputeServiceSubmitEvidenceResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.DisputeServiceSubmitEvidenceRequest]) (*connect.Response[v1.DisputeServiceSubmitEvidenceResponse], error) {
		return c.disputes.SubmitEvidence
	}, req)
}

// AcceptDispute concedes a dispute.
func (g *Gateway) AcceptDispute(ctx context.Context, t Target, req *v1.DisputeServiceAcceptRequest) (*v1.DisputeServiceAcceptResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.DisputeServiceAcceptRequest]) (*connect.Response[v1.DisputeServiceAcceptResponse], error) {
		return c.disputes.Accept
	}, req)
}

// HandleEvent verifies and normalizes a processor webhook.
func (g *Gateway) HandleEvent(ctx context.Context, t Target, req *v1.EventServiceHandleEventRequest) (*v1.EventServiceHandleEventResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.EventServiceHandleEventRequest]) (*connect.Response[v1.EventServiceHandleEventResponse], error) {
		return c.events.HandleEvent
	}, req)
}

// GetConnector describes the connector as its host serves it.
func (g *Gateway) GetConnector(ctx context.Context, t Target) (*v1.ConnectorServiceGetConnectorResponse, error) {
	return call(ctx, g, t, func(c *clients) func(context.Context, *connect.Request[v1.ConnectorServiceGetConnectorRequest]) (*connect.Response[v1.ConnectorServiceGetConnectorResponse], error) {
		return c.connectors.GetConnector
	}, &v1.ConnectorServiceGetConnectorRequest{Name: t.Plugin})
}

// Outcome says what a failed connector call means for the money: whether
// the processor can have acted on it.
type Outcome int

// The outcomes of a failed connector call.
const (
	// NotSent: nothing reached the processor (the connector host says
	// not_sent, or the platform could not reach the connector host at
	// all); the payment may be sent elsewhere.
	NotSent Outcome = iota + 1
	// Rejected: the processor (or the host, for it) answered with a
	// definite refusal; nothing was done.
	Rejected
	// Unknown: the processor may have acted (a timeout, a broken
	// connection, a 5xx, a request with the same key still running, an
	// answer the host could not read): only the same request, with the same
	// idempotency key, to the same connector is safe.
	Unknown
)

func (o Outcome) String() string {
	switch o {
	case NotSent:
		return "not_sent"
	case Rejected:
		return "rejected"
	case Unknown:
		return "unknown"
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// PaymentError is the connector host's PaymentError detail of err, nil when
// it carries none.
func PaymentError(err error) *v1.PaymentError {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return nil
	}
	for _, d := range ce.Details() {
		v, derr := d.Value()
		if derr != nil {
			continue
		}
		if pe, ok := v.(*v1.PaymentError); ok {
			return pe
		}
	}
	return nil
}

// Classify says what a failed connector call (a non-nil err from a Gateway
// method) means: NotSent when the connector host says nothing reached the
// processor (PaymentError.not_sent) or the platform could not even connect
// to the host; Rejected for a definite refusal (InvalidArgument,
// FailedPrecondition, Unimplemented, Unauthenticated, PermissionDenied,
// NotFound, OutOfRange, and ResourceExhausted when the processor asked to
// slow down); Unknown for everything else (DeadlineExceeded, Canceled,
// Aborted, Unavailable without not_sent, Internal, Unknown...).
func Classify(err error) Outcome {
	if err == nil {
		return Rejected // not a failure; callers never ask
	}
	if errors.Is(err, errNoHost) || dialFailed(err) {
		return NotSent
	}
	pe := PaymentError(err)
	if pe.GetNotSent() {
		return NotSent
	}
	switch connect.CodeOf(err) {
	case connect.CodeInvalidArgument, connect.CodeFailedPrecondition, connect.CodeUnimplemented, connect.CodeUnauthenticated,
		connect.CodePermissionDenied, connect.CodeNotFound, connect.CodeOutOfRange:
		return Rejected
	}
	if RateLimited(err) {
		return Rejected
	}
	return Unknown
}

// RateLimited reports whether err is the processor's refusal to take the
// call now because of a rate limit (ResourceExhausted with a RATE_LIMITED
// PaymentError): nothing was done, and it says nothing about an earlier
// send of the same request.
func RateLimited(err error) bool {
	return connect.CodeOf(err) == connect.CodeResourceExhausted && PaymentError(err).GetCode() == v1.ErrorCode_ERROR_CODE_RATE_LIMITED
}

// Unreachable reports whether err is a NotSent failure that means the
// connector could not take the call (its host or processor unreachable,
// its circuit open, a deadline passed before anything was sent), so the
// payment may go to the next connector; a NotSent refusal (bad
// credentials, a request the plugin would not build) is not.
func Unreachable(err error) bool {
	if Classify(err) != NotSent {
		return false
	}
	switch connect.CodeOf(err) {
	case connect.CodeUnavailable, connect.CodeResourceExhausted, connect.CodeDeadlineExceeded:
		return true
	}
	return false
}

// dialFailed reports whether err is the platform's own failure to connect
// to the connector host (nothing was sent to it).
func dialFailed(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}
