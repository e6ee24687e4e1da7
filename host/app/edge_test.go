package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/registry"
)

// The API edge over the wire: strict decoding on every protocol, messages
// a caller can act on, amount bounds, malformed framing, repeated headers.

// TestAPIEdge runs every edge check against one host.
func TestAPIEdge(t *testing.T) {
	base := startHost(t)
	t.Run("StrictJSONDecoding", func(t *testing.T) { testStrictJSONDecoding(t, base) })
	t.Run("StrictBinaryDecoding", func(t *testing.T) { testStrictBinaryDecoding(t, base) })
	t.Run("ValidationMessages", func(t *testing.T) { testValidationMessages(t, base) })
	t.Run("RepeatedSelectionHeadersRefused", func(t *testing.T) { testRepeatedSelectionHeadersRefused(t, base) })
	t.Run("MalformedFramingIsInvalidArgument", func(t *testing.T) { testMalformedFramingIsInvalidArgument(t, base) })
}

// postJSON sends body to an RPC over HTTP-JSON and returns the HTTP status,
// the Connect error code and message.
func postJSON(t *testing.T, base, procedure, body string, headers ...string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/connectorhost.v1."+procedure, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-connector", "faulty")
	req.Header.Set("x-connector-auth", "{}")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out struct{ Code, Message string }
	b, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out.Code, out.Message
}

const validAuthorize = `"merchantTransactionId":"order_1","amount":{"minorAmount":"1000","currency":"USD"},"paymentMethod":{"token":{"token":"tok_1"}}`

func testStrictJSONDecoding(t *testing.T, base string) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"enum name without prefix", `{` + validAuthorize + `,"captureMethod":"MANUAL"}`,
			[]string{`captureMethod: "MANUAL" is not a CaptureMethod value`, "CAPTURE_METHOD_MANUAL"}},
		{"misspelled enum, proto field name", `{` + validAuthorize + `,"capture_method":"CAPTURE_METHOD_MANUL"}`,
			[]string{`capture_method: "CAPTURE_METHOD_MANUL" is not a CaptureMethod value`}},
		{"unknown enum number", `{` + validAuthorize + `,"captureMethod":9}`,
			[]string{"captureMethod: 9 is not a CaptureMethod value"}},
		{"misspelled field", `{"merchantTransactionID":"order_1","amount":{"minorAmount":"1000","currency":"USD"},"paymentMethod":{"token":{"token":"tok_1"}}}`,
			[]string{"merchantTransactionID: unknown field"}},
		{"unknown nested field", `{` + validAuthorize + `,"customer":{"id":"c1","nickname":"x"}}`,
			[]string{"customer.nickname: unknown field"}},
		{"wrong type", `{"merchantTransactionId":"order_1","amount":{"minorAmount":"ten","currency":"USD"}}`,
			[]string{`minorAmount: "ten" is not a valid integer`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code, msg := postJSON(t, base, "PaymentService/Authorize", tc.body)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, "invalid_argument", code)
			for _, w := range tc.want {
				assert.Contains(t, msg, w)
			}
			assert.NotContains(t, msg, "connectorhostv1", "no Go type names")
		})
	}
	t.Run("valid request still serves", func(t *testing.T) {
		status, code, msg := postJSON(t, base, "PaymentService/Authorize", `{`+validAuthorize+`,"captureMethod":"CAPTURE_METHOD_MANUAL"}`)
		assert.Equal(t, http.StatusOK, status, "%s %s", code, msg)
	})
}

// withUnknownField appends field number 99 (a varint) to m's encoding.
func withUnknownField(m proto.Message) {
	raw := protowire.AppendTag(nil, 99, protowire.VarintType)
	raw = protowire.AppendVarint(raw, 1)
	m.ProtoReflect().SetUnknown(raw)
}

func testStrictBinaryDecoding(t *testing.T, base string) {
	ctx := context.Background()
	for name, opts := range map[string][]connect.ClientOption{
		"grpc": {connect.WithGRPC()}, "grpc-web": {connect.WithGRPCWeb()}, "connect-proto": nil,
	} {
		t.Run(name, func(t *testing.T) {
			client := connectorhostv1connect.NewPaymentServiceClient(h2cClient(), base, opts...)
			req := authorizeRequest("order_1")
			req.Amount = &v1.Money{MinorAmount: 1000, Currency: "USD"}
			withUnknownField(req.Amount)
			_, err := client.Authorize(ctx, withHeaders(req, "x-connector", "faulty", "x-connector-auth", "{}"))
			assert.Equal(t, connect.CodeInvalidArgument, connect.CodeOf(err), "%v", err)
			assert.ErrorContains(t, err, "amount: unknown field number 99")

			req = authorizeRequest("order_1")
			req.CaptureMethod = 7
			_, err = client.Authorize(ctx, withHeaders(req, "x-connector", "faulty", "x-connector-auth", "{}"))
			assert.Equal(t, connect.CodeInvalidArgument, connect.CodeOf(err), "%v", err)
			assert.ErrorContains(t, err, "capture_method: 7 is not a CaptureMethod value")

			req = authorizeRequest("")
			req.Amount.Currency = "usd"
			_, err = client.Authorize(ctx, withHeaders(req, "x-connector", "faulty", "x-connector-auth", "{}"))
			assert.Equal(t, connect.CodeInvalidArgument, connect.CodeOf(err), "%v", err)
			assert.ErrorContains(t, err, "merchant_transaction_id: is required", "proto names for binary callers")
			assert.ErrorContains(t, err, "amount.currency: is not an ISO-4217 currency code")
		})
	}
}

// h2cClient speaks HTTP/2 without TLS, as gRPC needs.
func h2cClient() *http.Client {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: p}}
}

func testValidationMessages(t *testing.T, base string) {
	for _, tc := range []struct {
		name, procedure, body string
		want                  []string
	}{
		{"missing required fields", "PaymentService/Authorize", `{}`,
			[]string{"merchantTransactionId: is required", "amount: is required", "paymentMethod: is required"}},
		{"lower-case currency", "PaymentService/Authorize", `{"merchantTransactionId":"o1","amount":{"minorAmount":"1","currency":"usd"},"paymentMethod":{"token":{"token":"t"}}}`,
			[]string{"amount.currency: is not an ISO-4217 currency code"}},
		{"unknown currency", "PaymentService/Authorize", `{"merchantTransactionId":"o1","amount":{"minorAmount":"1","currency":"XYZ"},"paymentMethod":{"token":{"token":"t"}}}`,
			[]string{`amount.currency: "XYZ" is not an ISO-4217 currency code`}},
		{"zero amount moves no money", "PaymentService/Authorize", `{"merchantTransactionId":"o1","amount":{"currency":"USD"},"paymentMethod":{"token":{"token":"t"}}}`,
			[]string{"amount: must be greater than zero"}},
		{"zero refund", "PaymentService/Refund", `{"connectorTransactionId":"pi_1","merchantRefundId":"r1","refundAmount":{"minorAmount":"0","currency":"EUR"}}`,
			[]string{"refundAmount: must be greater than zero"}},
		{"capture in another currency than the payment", "PaymentService/Capture",
			`{"connectorTransactionId":"pi_1","merchantCaptureId":"c1","amountToCapture":{"minorAmount":"1000","currency":"USD"},"paymentAmount":{"minorAmount":"1000","currency":"JPY"}}`,
			[]string{"amountToCapture.currency: USD differs from paymentAmount.currency JPY"}},
		{"refund in another currency than the payment", "PaymentService/Refund",
			`{"connectorTransactionId":"pi_1","merchantRefundId":"r1","refundAmount":{"minorAmount":"5","currency":"EUR"},"paymentAmount":{"minorAmount":"9","currency":"GBP"}}`,
			[]string{"refundAmount.currency: EUR differs from paymentAmount.currency GBP"}},
		{"amount above the bound", "PaymentService/Capture", `{"connectorTransactionId":"pi_1","merchantCaptureId":"c1","amountToCapture":{"minorAmount":"1000000000000001","currency":"EUR"}}`,
			[]string{"amountToCapture.minorAmount: must be greater than or equal to 0 and less than or equal to 1000000000000000"}},
		{"bad id", "PaymentService/Authorize", `{"merchantTransactionId":"order 1","amount":{"minorAmount":"1","currency":"USD"},"paymentMethod":{"token":{"token":"t"}}}`,
			[]string{"merchantTransactionId: does not match regex pattern"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code, msg := postJSON(t, base, tc.procedure, tc.body)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, "invalid_argument", code)
			for _, w := range tc.want {
				assert.Contains(t, msg, w)
			}
			assert.NotContains(t, msg, "connectorhostv1")
		})
	}
	t.Run("zero amount verifies a card in SetupRecurring", func(t *testing.T) {
		// It passes validation; the test plugin then has no SetupRecurring.
		_, code, msg := postJSON(t, base, "PaymentService/SetupRecurring",
			`{"merchantSetupId":"s1","amount":{"minorAmount":"0","currency":"USD"},"paymentMethod":{"token":{"token":"t"}}}`)
		assert.Equal(t, "unimplemented", code, msg)
	})
}

func testRepeatedSelectionHeadersRefused(t *testing.T, base string) {
	for _, h := range [][]string{
		{"x-connector", "faulty"},
		{"x-connector-auth", "{}"},
		{"x-connector-account", "faulty-main", "x-connector-account", "other"},
		{"x-connector-environment", "sandbox", "x-connector-environment", "live"},
	} {
		t.Run(h[0], func(t *testing.T) {
			status, code, msg := postJSON(t, base, "PaymentService/Authorize", `{`+validAuthorize+`}`, h...)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, "invalid_argument", code)
			assert.Contains(t, msg, "header "+h[0]+" was sent 2 times")
		})
	}
}

// rawHTTP1 writes req on a new connection and reads the response.
func rawHTTP1(t *testing.T, base, req string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = io.WriteString(conn, req)
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// envelope frames msg as one gRPC message with the given flags.
func envelope(flags byte, size uint32, msg []byte) []byte {
	b := []byte{flags, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], size)
	return append(b, msg...)
}

func testMalformedFramingIsInvalidArgument(t *testing.T, base string) {
	msg, err := proto.Marshal(authorizeRequest("order_1"))
	require.NoError(t, err)

	t.Run("bad chunk size", func(t *testing.T) {
		res := rawHTTP1(t, base, "POST /connectorhost.v1.PaymentService/Authorize HTTP/1.1\r\nHost: x\r\n"+
			"Content-Type: application/json\r\nx-connector: faulty\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
		b, _ := io.ReadAll(res.Body)
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, "%s", b)
		assert.Contains(t, string(b), `"code":"invalid_argument"`)
	})

	grpcCall := func(t *testing.T, web bool, body []byte, headers ...string) (string, string) {
		t.Helper()
		ct, client := "application/grpc", h2cClient()
		if web {
			ct, client = "application/grpc-web+proto", http.DefaultClient
		}
		req, err := http.NewRequest(http.MethodPost, base+"/connectorhost.v1.PaymentService/Authorize", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("x-connector", "faulty")
		req.Header.Set("x-connector-auth", "{}")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := client.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		status, message := res.Trailer.Get("Grpc-Status"), res.Trailer.Get("Grpc-Message")
		if status == "" {
			status, message = res.Header.Get("Grpc-Status"), res.Header.Get("Grpc-Message")
		}
		if web && status == "" {
			// gRPC-Web trailers travel in a final frame with flag 0x80.
			if i := bytes.Index(b, []byte("grpc-status:")); i >= 0 {
				for _, line := range strings.Split(string(b[i:]), "\r\n") {
					if k, v, ok := strings.Cut(line, ":"); ok && k == "grpc-status" {
						status = strings.TrimSpace(v)
					} else if ok && k == "grpc-message" {
						message = strings.TrimSpace(v)
					}
				}
			}
		}
		return status, message
	}
	invalidArgument := fmt.Sprint(int(connect.CodeInvalidArgument))
	for _, web := range []bool{false, true} {
		proto := map[bool]string{false: "grpc", true: "grpc-web"}[web]
		for _, tc := range []struct {
			name    string
			body    []byte
			headers []string
		}{
			{"prefix longer than the body", envelope(0, uint32(len(msg))+10, msg), nil},
			{"compressed flag without grpc-encoding", envelope(1, uint32(len(msg)), msg), nil},
			{"3-byte prefix", []byte{0, 0, 0}, nil},
			{"truncated body", envelope(0, uint32(len(msg)), msg[:len(msg)/2]), nil},
		} {
			t.Run(proto+"/"+tc.name, func(t *testing.T) {
				status, message := grpcCall(t, web, tc.body, tc.headers...)
				assert.Equal(t, invalidArgument, status, "grpc-message: %s", message)
				assert.Contains(t, message, "malformed gRPC framing")
			})
		}
	}
	t.Run("grpc/well-formed", func(t *testing.T) {
		status, message := grpcCall(t, false, envelope(0, uint32(len(msg)), msg))
		assert.Equal(t, "0", status, message)
	})
}

// After a broken file replaced the one serving and the good file is put
// back, GetConnector no longer reports the broken file's load error.
func TestLoadErrorClearedWhenFileRestored(t *testing.T) {
	events := make(chan registry.Event, 16)
	base, dir := startHostWith(t, app.Options{OnPluginEvent: func(ev registry.Event) {
		if ev.Name == "faulty" {
			events <- ev
		}
	}})
	client := connectorhostv1connect.NewConnectorServiceClient(http.DefaultClient, base)
	ctx := context.Background()
	loadError := func() string {
		t.Helper()
		res, err := client.GetConnector(ctx, connect.NewRequest(&v1.ConnectorServiceGetConnectorRequest{Name: "faulty"}))
		require.NoError(t, err)
		return res.Msg.GetConnector().GetLoadError()
	}
	wait := func(kind registry.EventKind) {
		t.Helper()
		timeout := time.After(time.Minute) // a bound, not synchronisation
		for {
			select {
			case ev := <-events:
				if ev.Kind == kind {
					return
				}
			case <-timeout:
				t.Fatalf("no %s event within a minute", kind)
			}
		}
	}
	drain := func() {
		for {
			select {
			case <-events:
			default:
				return
			}
		}
	}
	good, err := os.ReadFile(filepath.Join(dir, "faulty.wasm"))
	require.NoError(t, err)
	replace := func(b []byte) { // rename into place, as operators are told to
		tmp := filepath.Join(dir, ".faulty.wasm.tmp")
		require.NoError(t, os.WriteFile(tmp, b, 0o644))
		require.NoError(t, os.Rename(tmp, filepath.Join(dir, "faulty.wasm")))
	}
	require.Empty(t, loadError())
	drain()
	replace([]byte("\x00asm\x01\x00\x00\x00broken"))
	wait(registry.EventFailed)
	assert.NotEmpty(t, loadError(), "the broken file is reported while the old version serves")
	replace(good)
	wait(registry.EventLoaded)
	assert.Empty(t, loadError(), "the file on disk is the one serving again")
}
