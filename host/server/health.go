package server

import (
	"context"
	"net/http"

	"connectrpc.com/connect"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/connectorhost/connector-host/host/registry"
)

const healthServiceName = "grpc.health.v1.Health"

// newHealthHandler serves grpc.health.v1.Health over Connect, gRPC and
// gRPC-Web. The host is SERVING once it is up: plugins load in the
// background and a connector that is not ready fails its own calls only. A
// service name other than "" or one of ServiceNames is NOT_FOUND, as the
// protocol defines. Health needs no credentials.
func newHealthHandler(_ *registry.Registry) (string, http.Handler) {
	check := func(_ context.Context, req *connect.Request[healthpb.HealthCheckRequest]) (*connect.Response[healthpb.HealthCheckResponse], error) {
		if !knownService(req.Msg.GetService()) {
			return nil, connect.NewError(connect.CodeNotFound, errUnknownService(req.Msg.GetService()))
		}
		return connect.NewResponse(&healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}), nil
	}
	watch := func(ctx context.Context, req *connect.Request[healthpb.HealthCheckRequest], stream *connect.ServerStream[healthpb.HealthCheckResponse]) error {
		status := healthpb.HealthCheckResponse_SERVING
		if !knownService(req.Msg.GetService()) {
			status = healthpb.HealthCheckResponse_SERVICE_UNKNOWN
		}
		if err := stream.Send(&healthpb.HealthCheckResponse{Status: status}); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
	mux := http.NewServeMux()
	mux.Handle("/"+healthServiceName+"/Check", connect.NewUnaryHandler("/"+healthServiceName+"/Check", check))
	mux.Handle("/"+healthServiceName+"/Watch", connect.NewServerStreamHandler("/"+healthServiceName+"/Watch", watch))
	return "/" + healthServiceName + "/", mux
}

func knownService(name string) bool {
	if name == "" {
		return true
	}
	for _, s := range ServiceNames {
		if s == name {
			return true
		}
	}
	return false
}

type errUnknownService string

func (e errUnknownService) Error() string { return "unknown service " + string(e) }
