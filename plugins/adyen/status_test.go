//go:build !wasip1

package adyen

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

func authorizeWith(t *testing.T, capture v1.CaptureMethod, answer map[string]any) *v1.PaymentServiceAuthorizeResponse {
	t.Helper()
	req := authorizeReq()
	req.CaptureMethod = capture
	res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, Body: mustJSON(t, answer)})
	if res.ParseError != nil {
		t.Fatalf("parse error: %v", res.ParseError)
	}
	return res.Response.(*v1.PaymentServiceAuthorizeResponse)
}

func TestResultCodeStatus(t *testing.T) {
	auto, manual := v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, v1.CaptureMethod_CAPTURE_METHOD_MANUAL
	cases := []struct {
		code    string
		capture v1.CaptureMethod
		want    v1.PaymentStatus
	}{
		{"Authorised", auto, v1.PaymentStatus_PAYMENT_STATUS_CHARGED},
		{"Authorised", manual, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED},
		{"Authorised", v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED},
		{"Refused", auto, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED},
		{"Pending", auto, v1.PaymentStatus_PAYMENT_STATUS_PENDING},
		{"Received", auto, v1.PaymentStatus_PAYMENT_STATUS_PENDING},
		{"RedirectShopper", auto, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING},
		{"IdentifyShopper", auto, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING},
		{"ChallengeShopper", auto, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING},
		{"PresentToShopper", auto, v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED},
		{"Cancelled", auto, v1.PaymentStatus_PAYMENT_STATUS_VOIDED},
		{"Error", auto, v1.PaymentStatus_PAYMENT_STATUS_FAILURE},
		{"PartiallyAuthorised", manual, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED},
		{"AuthenticationFinished", auto, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN},
		{"Success", auto, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN},
		{"SomethingNew", auto, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN},
	}
	for _, tc := range cases {
		t.Run(tc.code+"/"+tc.capture.String(), func(t *testing.T) {
			out := authorizeWith(t, tc.capture, map[string]any{"pspReference": "PSP1", "resultCode": tc.code})
			if out.GetStatus() != tc.want {
				t.Fatalf("status = %v, want %v", out.GetStatus(), tc.want)
			}
			if out.GetConnectorTransactionId() != "PSP1" || out.GetConnectorHttpStatus() != 200 {
				t.Fatalf("ids = %q http %d", out.GetConnectorTransactionId(), out.GetConnectorHttpStatus())
			}
		})
	}
}

func TestAuthorizedAmounts(t *testing.T) {
	out := authorizeWith(t, v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, map[string]any{"pspReference": "PSP1", "resultCode": "Authorised"})
	if out.GetAmount().GetMinorAmount() != 1000 || out.GetCapturedAmount().GetMinorAmount() != 1000 {
		t.Errorf("amount %v captured %v", out.GetAmount(), out.GetCapturedAmount())
	}
	out = authorizeWith(t, v1.CaptureMethod_CAPTURE_METHOD_MANUAL, map[string]any{
		"pspReference": "PSP1", "resultCode": "PartiallyAuthorised", "amount": map[string]any{"value": 600, "currency": "EUR"},
	})
	if out.GetAmount().GetMinorAmount() != 600 || out.GetCapturedAmount() != nil {
		t.Errorf("partial amount %v captured %v", out.GetAmount(), out.GetCapturedAmount())
	}
	res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: authorizeReq(), Body: mustJSON(t, map[string]any{
		"pspReference": "PSP1", "resultCode": "Authorised", "amount": map[string]any{"value": 1000, "currency": "USD"},
	})})
	wantKind(t, res.ParseError, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, "currency")
	if res.ParseError.GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
		t.Errorf("detail = %v", res.ParseError.GetDetail())
	}
}

func TestRefusalCodes(t *testing.T) {
	cases := map[string]v1.ErrorCode{
		"2": v1.ErrorCode_ERROR_CODE_CARD_DECLINED, "3": v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"4": v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, "5": v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"6": v1.ErrorCode_ERROR_CODE_EXPIRED_CARD, "7": v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
		"8": v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER, "9": v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
		"10": v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED, "11": v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"12": v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS, "14": v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED,
		"15": v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, "16": v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"17": v1.ErrorCode_ERROR_CODE_CARD_DECLINED, "20": v1.ErrorCode_ERROR_CODE_RISK_BLOCKED,
		"22": v1.ErrorCode_ERROR_CODE_RISK_BLOCKED, "24": v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
		"26": v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR, "27": v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
		"28": v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED, "29": v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
		"31": v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED, "38": v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
		"999": v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	}
	for code, want := range cases {
		out := authorizeWith(t, v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, map[string]any{
			"pspReference": "PSP2", "resultCode": "Refused", "refusalReasonCode": code, "refusalReason": "reason " + code,
		})
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED {
			t.Fatalf("code %s: status %v", code, out.GetStatus())
		}
		e := out.GetError()
		if e.GetCode() != want {
			t.Errorf("refusalReasonCode %s -> %v, want %v", code, e.GetCode(), want)
		}
		if e.GetConnector().GetCode() != code || e.GetConnector().GetMessage() != "reason "+code || e.GetConnector().GetRequestId() != "PSP2" {
			t.Errorf("connector layer = %v", e.GetConnector())
		}
	}
	// Webhooks carry only the text.
	if refusalCode("", "CVC Declined") != v1.ErrorCode_ERROR_CODE_INCORRECT_CVC || refusalCode("", "Not enough balance") != v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS {
		t.Error("refusal text mapping")
	}
}

func TestRefusalIssuerLayer(t *testing.T) {
	out := authorizeWith(t, v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, map[string]any{
		"pspReference": "PSP3", "resultCode": "Refused", "refusalReasonCode": "12", "refusalReason": "Not enough balance",
		"additionalData": map[string]any{"refusalReasonRaw": "51 : Insufficient funds", "merchantAdviceCode": "01: New account information available"},
	})
	e := out.GetError()
	if e.GetCode() != v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS || e.GetMessage() != "Not enough balance" {
		t.Fatalf("error = %v", e)
	}
	is := e.GetIssuer()
	if is.GetNetworkDeclineCode() != "51" || is.GetDeclineCode() != "51 : Insufficient funds" ||
		is.GetMessage() != "Insufficient funds" || is.GetAdviceCode() != "01: New account information available" {
		t.Fatalf("issuer layer = %v", is)
	}
}

func TestErrorResultCode(t *testing.T) {
	out := authorizeWith(t, v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, map[string]any{
		"pspReference": "PSP4", "resultCode": "Error", "refusalReason": "Acquirer Error",
	})
	if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_FAILURE || out.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR {
		t.Fatalf("got %v %v", out.GetStatus(), out.GetError())
	}
}
