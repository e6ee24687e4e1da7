//go:build !wasip1

package adyen

import (
	"strings"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestNextActions(t *testing.T) {
	t.Run("redirect GET", func(t *testing.T) {
		out := authorizeWith(t, v1.CaptureMethod_CAPTURE_METHOD_MANUAL, map[string]any{
			"pspReference": "P", "resultCode": "RedirectShopper",
			"action": map[string]any{"type": "redirect", "method": "GET", "url": "https://checkoutshopper-test.adyen.com/redirect?x=1", "paymentMethodType": "ideal"},
		})
		rd := out.GetNextAction().GetRedirect()
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING || rd.GetMethod() != "GET" || rd.GetUrl() != "https://checkoutshopper-test.adyen.com/redirect?x=1" || len(rd.GetFormFields()) != 0 {
			t.Fatalf("got %v %v", out.GetStatus(), out.GetNextAction())
		}
		if out.GetState().GetValues()[stateCapture] != "manual" {
			t.Fatalf("state = %v, want the capture mode remembered", out.GetState())
		}
	})
	t.Run("redirect POST", func(t *testing.T) {
		out := authorizeWith(t, v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, map[string]any{
			"resultCode": "RedirectShopper",
			"action": map[string]any{"type": "redirect", "method": "POST", "url": "https://acs.example/3ds",
				"data": map[string]any{"PaReq": "BQAB...", "TermUrl": "https://merchant.example/return", "MD": "md=="}},
		})
		rd := out.GetNextAction().GetRedirect()
		if rd.GetMethod() != "POST" || rd.GetFormFields()["PaReq"] != "BQAB..." || rd.GetFormFields()["TermUrl"] != "https://merchant.example/return" || rd.GetFormFields()["MD"] != "md==" {
			t.Fatalf("redirect = %v", rd)
		}
	})
	t.Run("threeDS2", func(t *testing.T) {
		out := authorizeWith(t, v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, map[string]any{
			"resultCode": "IdentifyShopper",
			"action":     map[string]any{"type": "threeDS2", "subtype": "fingerprint", "token": "eyJ0aHJl", "paymentData": "Ab02", "authorisationToken": "Ab02b4c0"},
		})
		sdk := out.GetNextAction().GetSdkDataJson()
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING || !strings.Contains(sdk, `"type":"threeDS2"`) || !strings.Contains(sdk, `"token":"eyJ0aHJl"`) {
			t.Fatalf("got %v %q", out.GetStatus(), sdk)
		}
	})
	t.Run("await", func(t *testing.T) {
		out := authorizeWith(t, v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, map[string]any{
			"resultCode": "Pending", "action": map[string]any{"type": "await", "paymentMethodType": "blik", "paymentData": "Ab02"},
		})
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PENDING || !strings.Contains(out.GetNextAction().GetSdkDataJson(), `"await"`) {
			t.Fatalf("got %v %v", out.GetStatus(), out.GetNextAction())
		}
	})
	t.Run("voucher", func(t *testing.T) {
		out := authorizeWith(t, v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, map[string]any{
			"resultCode": "PresentToShopper", "action": map[string]any{"type": "voucher", "reference": "12345",
				"instructionsUrl": "https://adyen.example/instructions", "expiresAt": "2026-01-09T10:00:00Z"},
		})
		d := out.GetNextAction().GetDisplay()
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED || d.GetReference() != "12345" || d.GetExpiresAtUnix() != 1767952800 {
			t.Fatalf("got %v %v", out.GetStatus(), d)
		}
	})
}
