// Package tracing builds the host's OpenTelemetry TracerProvider from its
// configuration: with an OTLP endpoint, an SDK provider exporting spans over
// OTLP/HTTP in batches with a parent-based ratio sampler; without one, a
// no-op provider. Nothing is set globally: the provider is passed to the
// API server (otelconnect), the executor (Wasm transform spans) and the
// egress client (processor call spans). An embedder with its own exporter
// passes its TracerProvider in app.Options instead.
package tracing

import (
	"context"
	"fmt"
	"net/url"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/connectorhost/connector-host/host/config"
)

// Provider is a TracerProvider and how to flush and stop it.
type Provider struct {
	trace.TracerProvider
	// Shutdown flushes buffered spans and stops the exporter.
	Shutdown func(context.Context) error
}

// New returns the provider cfg asks for. An endpoint without a path gets
// the OTLP traces path /v1/traces; one with a path is used as it is.
func New(ctx context.Context, cfg config.Tracing, version string) (*Provider, error) {
	if cfg.OTLPEndpoint == "" {
		return &Provider{TracerProvider: noop.NewTracerProvider(), Shutdown: func(context.Context) error { return nil }}, nil
	}
	endpoint := cfg.OTLPEndpoint
	if u, err := url.Parse(endpoint); err == nil && (u.Path == "" || u.Path == "/") {
		// A collector's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT: add the traces path.
		u.Path = "/v1/traces"
		endpoint = u.String()
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
	if err != nil {
		return nil, fmt.Errorf("tracing.otlp_endpoint: %w", err)
	}
	res := resource.NewSchemaless(semconv.ServiceName(cfg.ServiceName), semconv.ServiceVersion(version))
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
	)
	return &Provider{TracerProvider: tp, Shutdown: tp.Shutdown}, nil
}

// Propagator is the W3C trace context and baggage propagator the host uses.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}
