package tracing_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/host/tracing"
)

func TestOTLPExportOnShutdown(t *testing.T) {
	var posts atomic.Int32
	var path atomic.Value
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		path.Store(r.URL.Path)
	}))
	defer collector.Close()
	p, err := tracing.New(context.Background(), config.Tracing{OTLPEndpoint: collector.URL, SampleRatio: 1, ServiceName: "test"}, "dev")
	require.NoError(t, err)
	_, span := p.Tracer("t").Start(context.Background(), "work")
	assert.True(t, span.SpanContext().IsSampled())
	span.End()
	require.NoError(t, p.Shutdown(context.Background()))
	assert.Equal(t, int32(1), posts.Load(), "shutdown flushed the span to the collector")
	assert.Equal(t, "/v1/traces", path.Load())

	off, err := tracing.New(context.Background(), config.Tracing{}, "dev")
	require.NoError(t, err)
	_, span = off.Tracer("t").Start(context.Background(), "work")
	assert.False(t, span.SpanContext().IsValid(), "no endpoint: no-op spans")
	require.NoError(t, off.Shutdown(context.Background()))
}
