// Package server serves the unified payments API over Connect, gRPC,
// gRPC-Web and HTTP-JSON on one handler, plus grpc.health.v1 and gRPC server
// reflection. Each RPC selects its connector from the x-connector header and
// runs through the executor; the server itself keeps no payment state.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"

	"connectrpc.com/connect"
	"connectrpc.com/grpcreflect"
	"connectrpc.com/validate"

	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/executor"
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
	// Interceptors run before validation (auth, metrics, tracing).
	Interceptors []connect.Interceptor
	// ConnectorStatus adds host state (e.g. breaker state) to ConnectorService answers.
	ConnectorStatus func(name string) ConnectorStatus
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
	connectorhostv1connect.EventServiceName,
	connectorhostv1connect.CompositePaymentServiceName,
	connectorhostv1connect.ConnectorServiceName,
	healthServiceName,
}

// New returns an http.Handler serving every service. Mount it at "/" of an
// HTTP/1.1 + h2c (or TLS) server.
func New(opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, x: opts.Executor, log: opts.Logger}
	interceptors := append([]connect.Interceptor{requestIDInterceptor()}, opts.Interceptors...)
	interceptors = append(interceptors, validate.NewInterceptor(), currencyInterceptor())
	hopts := []connect.HandlerOption{
		connect.WithInterceptors(interceptors...),
		connect.WithRecover(func(ctx context.Context, spec connect.Spec, _ http.Header, r any) error {
			opts.Logger.Error("panic in handler", "procedure", spec.Procedure, "panic", r)
			return connect.NewError(connect.CodeInternal, errPanic)
		}),
	}
	mux := http.NewServeMux()
	mux.Handle(connectorhostv1connect.NewPaymentServiceHandler(&paymentService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewRecurringPaymentServiceHandler(&recurringService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewRefundServiceHandler(&refundService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewDisputeServiceHandler(&disputeService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewMerchantAuthenticationServiceHandler(&merchantAuthService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewPaymentMethodAuthenticationServiceHandler(&paymentMethodAuthService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewPaymentMethodServiceHandler(&paymentMethodService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewCustomerServiceHandler(&customerService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewEventServiceHandler(&eventService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewCompositePaymentServiceHandler(&compositeService{s}, hopts...))
	mux.Handle(connectorhostv1connect.NewConnectorServiceHandler(&connectorService{s}, hopts...))
	mux.Handle(newHealthHandler(opts.Registry))
	reflector := grpcreflect.NewStaticReflector(ServiceNames...)
	mux.Handle(grpcreflect.NewHandlerV1(reflector))
	mux.Handle(grpcreflect.NewHandlerV1Alpha(reflector))
	return mux
}

type requestIDKey struct{}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// requestIDInterceptor takes x-request-id from the caller (when well-formed)
// or generates one, puts it in the context and echoes it in the response.
func requestIDInterceptor() connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			id := req.Header().Get(HeaderRequestID)
			if !requestIDPattern.MatchString(id) {
				id = newRequestID()
			}
			ctx = context.WithValue(ctx, requestIDKey{}, id)
			res, err := next(ctx, req)
			if res != nil {
				res.Header().Set(HeaderRequestID, id)
			}
			var ce *connect.Error
			if err != nil && asConnectError(err, &ce) {
				ce.Meta().Set(HeaderRequestID, id)
			}
			return res, err
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
