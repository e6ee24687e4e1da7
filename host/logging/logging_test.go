package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/logging"
)

func TestContextAttributesReachEveryLine(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logging.NewHandler(slog.NewJSONHandler(&buf, nil))).With("component", "test")
	ctx := logging.With(context.Background(), slog.String("request_id", "req_1"))
	ctx = logging.With(ctx, slog.String("caller", "shop"))
	log.InfoContext(ctx, "first")
	log.LogAttrs(ctx, slog.LevelInfo, "second", slog.String("request_id", "explicit"))
	log.Info("no context")

	raw := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	var lines []map[string]any
	for _, l := range raw {
		var m map[string]any
		require.NoError(t, json.Unmarshal(l, &m))
		lines = append(lines, m)
	}
	require.Len(t, lines, 3)
	assert.Equal(t, "req_1", lines[0]["request_id"])
	assert.Equal(t, "shop", lines[0]["caller"])
	assert.Equal(t, "test", lines[0]["component"])
	assert.Equal(t, "explicit", lines[1]["request_id"], "a record's own attribute wins, and is not duplicated")
	assert.NotContains(t, lines[2], "request_id")
	assert.Equal(t, 1, bytes.Count(raw[1], []byte(`"request_id"`)))
}

func TestPathTemplateKeepsNoData(t *testing.T) {
	for in, want := range map[string]string{
		"/v1/payment_intents/pi_3Mt/capture":                 "/v1/payment_intents/{}/capture",
		"/v1/leak/4242424242424242/987/sk_test_SECRET_abcde": "/v1/leak/{}/{}/{}",
		"/pay":                      "/pay",
		"/v1/leak/secret_lowercase": "/v1/leak/{}",
		"/a/sk_live_lowercase":      "/a/{}",
		"/refunds?api_key=x":        "/refunds",
		"/Users/ABC":                "/{}/{}",
		"":                          "",
		"/":                         "/",
	} {
		assert.Equal(t, want, logging.PathTemplate(in), in)
	}
}
