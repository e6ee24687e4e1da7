// Package server serves the unified payments API over Connect, gRPC,
// gRPC-Web and HTTP-JSON on one handler, plus grpc.health.v1 and gRPC server
// reflection. Each RPC selects its connector from the x-connector header and
// runs through the executor; the server itself keeps no payment state.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpcreflect"

	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/executor"
	"github.com/connectorhost/connector-host/host/logging"
	"github.com/connectorhost/connector-host/host/registry"
)

// HeaderRequestID carries the caller's request id; the server generates one when absent.
const HeaderRequestID = "X-Request-Id"

// Options configure the API handler.
type Options struct {
	Executor *executor.Executor
	Registry *registry.Registry
	// BaseURLs are the operator's per-connector overrides, reported by ConnectorService.
	BaseURLs map[string]string
	Logger   *slog.Logger
	// Interceptors run after the request id is assigned and before the
	// concurrency limit and validation (tracing, metrics, auth). They wrap
	// every service and reflection, never health.
	Interceptors []connect.Interceptor
	// ConnectorStatus adds host state (e.g. breaker state) to ConnectorService answers.
	ConnectorStatus func(name string) ConnectorStatus
	// ReadMaxBytes caps a request message (ResourceExhausted past it); 0 is no cap.
	ReadMaxBytes int64
	// MaxConcurrentCalls caps unary calls in flight (ResourceExhausted past
	// it, at once, without queueing); 0 is no cap.
	MaxConcurrentCalls int
	// BodyReadTimeout bounds how long a request body may take to arrive
	// after its headers (DeadlineExceeded past it): a body promised by
	// Content-Length and never sent cannot hold a call open. 0 is no bound.
	BodyReadTimeout time.Duration
	// Ready reports whether the host should receive traffic (GET /readyz);
	// nil is always ready.
	Ready func() bool
}

// ConnectorStatus is host state reported per connector.
type ConnectorStatus struct {
	BreakerState      int32
	ConformancePassed bool
}

// Server holds the service implementations.
type Server struct {
	opts Options
	x    *executor.Executor
	log  *slog.Logger
}

// ServiceNames are the fully-qualified names of every service served, for
// reflection and documentation.
var ServiceNames = []string{
	connectorhostv1connect.PaymentServiceName,
	connectorhostv1connect.RecurringPaymentServiceName,
	connectorhostv1connect.RefundServiceName,
	connectorhostv1connect.DisputeServiceName,
	connectorhostv1connect.MerchantAuthenticationServiceName,
	connectorhostv1connect.PaymentMethodAuthenticationServiceName,
	connectorhostv1connect.PaymentMethodServiceName,
	connectorhostv1connect.CustomerServiceName,
	connectorhostv1connect.PayoutServiceName,
	connectorhostv1connect.EventServiceName,
	connectorhostv1connect.CompositePaymentServiceName,
	connectorhostv1connect.ConnectorServiceName,
	healthServiceName,
}

// New returns an http.Handler serving every service, plus GET /healthz
// (the process is up) and GET /readyz (it should receive traffic), both
// without credentials.
// Mount it at "/" of an HTTP/1.1 + h2c (or TLS) server.
func New(opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, x: opts.Executor, log: opts.Logger}
	outer := append([]connect.Interceptor{requestIDInterceptor(opts.Logger)}, opts.Interceptors...)
	interceptors := append([]connect.Interceptor(nil), outer...)
	if opts.MaxConcurrentCalls > 0 {
		interceptors = append(interceptors, concurrencyLimit(opts.MaxConcurrentCalls))
	}
	validation, err := validationInterceptor()
	if err != nil {
		opts.Logger.Error("request validation unavailable; every call fails", "error", err)
		validation = func(connect.UnaryFunc) connect.UnaryFunc {
			return func(context.Context, connect.AnyRequest) (connect.AnyResponse, error) {
				return nil, connect.NewError(connect.CodeInternal, err)
			}
		}
	}
	interceptors = append(interceptors, validation, errorCodes())
	hopts := []connect.HandlerOption{
		connect.WithInterceptors(interceptors...),
		connect.WithRecover(func(ctx context.Context, spec connect.Spec, _ http.Header, r any) error {
			opts.Logger.Error("panic in handler", "procedure", spec.Procedure, "panic", r)
			return connect.NewError(connect.CodeInternal, errPanic)
		}),
	}
	hopts = append(hopts, codecOptions()...)
	if opts.ReadMaxBytes > 0 {
		hopts = append(hopts, connect.WithReadMaxBytes(int(opts.ReadMaxBytes)))
	}
	mux := http.NewServeMux()
	mux.Handle(connectorhostv1connect.NewPaymentServiceHandler(&paymentService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewRecurringPaymentServiceHandler(&recurringPaymentService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewRefundServiceHandler(&refundService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewDisputeServiceHandler(&disputeService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewMerchantAuthenticationServiceHandler(&merchantAuthenticationService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewPaymentMethodAuthenticationServiceHandler(&paymentMethodAuthenticationService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewPaymentMethodServiceHandler(&paymentMethodService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewCustomerServiceHandler(&customerService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewPayoutServiceHandler(&payoutService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewEventServiceHandler(&eventService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewCompositePaymentServiceHandler(&compositeService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewConnectorServiceHandler(&connectorService{s}, hopts...))
	mux.Handle(newHealthHandler(opts.Registry))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if opts.Ready != nil && !opts.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	reflector := grpcreflect.NewStaticReflector(ServiceNames...)
	ropts := connect.WithInterceptors(outer...)
	mux.Handle(grpcreflect.NewHandlerV1(reflector, ropts))
	mux.Handle(grpcreflect.NewHandlerV1Alpha(reflector, ropts))
	h := strictBodies(mux, opts.BodyReadTimeout)
	if opts.ReadMaxBytes > 0 {
		// A bound on raw bodies too, above the message cap (framing,
		// compression), for any path that reads one.
		return http.MaxBytesHandler(h, 2*opts.ReadMaxBytes+64<<10)
	}
	return h
}

type requestIDKey struct{}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// requestIDInterceptor takes x-request-id from the caller (when well-formed)
// or generates one, puts it in the context (and so on every log line of the
// call), echoes it in the response, and logs one line per call.
func requestIDInterceptor(log *slog.Logger) connect.Interceptor {
	return &requestID{log: log}
}

type requestID struct{ log *slog.Logger }

func (i *requestID) start(ctx context.Context, h http.Header) (context.Context, string) {
	id := h.Get(HeaderRequestID)
	if !requestIDPattern.MatchString(id) {
		id = newRequestID()
	}
	ctx = context.WithValue(ctx, requestIDKey{}, id)
	return logging.With(ctx, slog.String("request_id", id)), id
}

func (i *requestID) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		start := time.Now()
		ctx, id := i.start(ctx, req.Header())
		res, err := next(ctx, req)
		if res != nil {
			res.Header().Set(HeaderRequestID, id)
		}
		var ce *connect.Error
		if err != nil && asConnectError(err, &ce) {
			ce.Meta().Set(HeaderRequestID, id)
		}
		level := slog.LevelInfo
		if err != nil && connect.CodeOf(err) == connect.CodeInternal {
			level = slog.LevelWarn
		}
		i.log.LogAttrs(ctx, level, "call",
			slog.String("procedure", req.Spec().Procedure), slog.String("protocol", req.Peer().Protocol),
			slog.String("connector", req.Header().Get(credentials.HeaderConnector)),
			slog.String("code", codeString(err)), slog.Duration("duration", time.Since(start)))
		return res, err
	}
}

func (i *requestID) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *requestID) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, id := i.start(ctx, conn.RequestHeader())
		conn.ResponseHeader().Set(HeaderRequestID, id)
		return next(ctx, conn)
	}
}

func codeString(err error) string {
	if err == nil {
		return "ok"
	}
	return connect.CodeOf(err).String()
}

// concurrencyLimit fails a call at once with ResourceExhausted when n calls
// are already in flight: a caller can retry elsewhere (another host behind
// the load balancer) instead of queueing behind a slow processor.
func concurrencyLimit(n int) connect.UnaryInterceptorFunc {
	slots := make(chan struct{}, n)
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
				return next(ctx, req)
			default:
				return nil, connect.NewError(connect.CodeResourceExhausted, fmt.Errorf("host at its concurrency limit of %d; retry", n))
			}
		}
	}
}

// RequestID returns the request id the server assigned to ctx's call.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "req_" + hex.EncodeToString(b)
}

// call reads the connector selection and credentials from request headers.
func (s *Server) call(ctx context.Context, h http.Header) executor.Call {
	return executor.Call{
		Connector: h.Get(credentials.HeaderConnector),
		Source: credentials.Source{
			AuthJSON:    h.Get(credentials.HeaderAuth),
			Account:     h.Get(credentials.HeaderAccount),
			Environment: h.Get(credentials.HeaderEnvironment),
		},
		RequestID: RequestID(ctx),
	}
}
