//go:build !wasip1

package adyen

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

func TestHTTPErrorClasses(t *testing.T) {
	se := func(status int, code, msg, typ string) []byte {
		return mustJSON(t, map[string]any{"status": status, "errorCode": code, "message": msg, "errorType": typ, "pspReference": "ERRPSP"})
	}
	cases := []struct {
		name   string
		status int
		body   []byte
		kind   pluginv1.ErrorKind
		code   v1.ErrorCode
	}{
		{"401", 401, se(401, "000", "HTTP Status Response - Unauthorized", "security"), pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS},
		{"403", 403, se(403, "010", "Not allowed", "security"), pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED},
		{"404", 404, se(404, "000", "Not found", "validation"), pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND},
		{"409", 409, se(409, "000", "Conflict", "validation"), pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT},
		{"422 validation", 422, se(422, "14_030", "Return URL is missing.", "validation"), pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST},
		// 704: the same key still running, its outcome unknown (retry later with the key).
		{"422 in progress", 422, se(422, "704", "request already processed or in progress", "validation"), pluginv1.ErrorKind_ERROR_KIND_IN_PROGRESS, v1.ErrorCode_ERROR_CODE_CONFLICT},
		{"422 idempotency", 422, se(422, "0", "Idempotency key reused with a different request", "validation"), pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT},
		{"400", 400, se(400, "702", "Structure of the request is not valid", "validation"), pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST},
		{"429", 429, nil, pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, v1.ErrorCode_ERROR_CODE_RATE_LIMITED},
		{"500", 500, se(500, "905", "Payment details are not supported", "configuration"), pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE},
		{"502 html", 502, []byte("<html><body>Bad Gateway</body></html>"), pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE},
		{"302", 302, nil, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, v1.ErrorCode_ERROR_CODE_INVALID_RESPONSE},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: authorizeReq(), Status: tc.status, Body: tc.body})
			wantKind(t, res.ParseError, tc.kind, "")
			d := res.ParseError.GetDetail()
			if d.GetCode() != tc.code || d.GetConnector().GetHttpStatus() != int32(tc.status) {
				t.Fatalf("detail = %v", d)
			}
			if tc.body != nil && tc.body[0] == '{' && (d.GetConnector().GetRequestId() != "ERRPSP" || d.GetConnector().GetCode() == "") {
				t.Fatalf("connector layer = %v", d.GetConnector())
			}
		})
	}
}

func TestUnreadable2xx(t *testing.T) {
	for name, call := range map[string]pdktest.Call{
		"empty":     {Body: nil},
		"html":      {Body: []byte("<!DOCTYPE html><html>maintenance</html>"), Headers: map[string]string{"Content-Type": "text/html"}},
		"truncated": {Body: []byte(`{"pspReference":"P","resultCode":"Autho`)},
		"array":     {Body: []byte(`[1,2]`)},
		"no result": {Body: []byte(`{"pspReference":"P"}`)},
	} {
		t.Run(name, func(t *testing.T) {
			call.Flow, call.Request = v1.Flow_FLOW_AUTHORIZE, authorizeReq()
			res := run(t, call)
			wantKind(t, res.ParseError, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, "")
		})
	}
	// Modifications: anything but status "received" is not understood.
	res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: captureReq(), Status: 201,
		Body: []byte(`{"merchantAccount":"M","paymentPspReference":"PSP1","pspReference":"C1","status":"done","amount":{"value":1000,"currency":"EUR"}}`)})
	wantKind(t, res.ParseError, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, "received")
}

func captureReq() *v1.PaymentServiceCaptureRequest {
	return &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "PSP1", MerchantCaptureId: "cap_1", AmountToCapture: eur(1000)}
}
