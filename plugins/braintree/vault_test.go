//go:build !wasip1

package braintree

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// vaultAnswer is a vaultPaymentMethod answer whose verification has the
// given VerificationStatus (schema.graphql, enum VerificationStatus).
func vaultAnswer(status string) []byte {
	return []byte(`{"data":{"vaultPaymentMethod":{"paymentMethod":{"id":"cGF5bWVudG1ldGhvZF91c2JfMQ","usage":"MULTI_USE",` +
		`"customer":{"id":"Y3VzdG9tZXJfMTIz"},"details":{"__typename":"UsBankAccountDetails"}},` +
		`"verification":{"id":"dmVyaWZpY2F0aW9uXzM","status":"` + status + `","processorResponse":null}}},"extensions":{"requestId":"r1"}}`)
}

// TestPendingVerificationIsPending: a verification still under way
// (PENDING, VERIFYING: a US bank account verified by network check or micro
// transfers) is not a failure. SetupRecurring answers a pending mandate on
// the vaulted payment method, Tokenize the vaulted token; the unsuccessful
// statuses still fail and VERIFIED is still active.
func TestPendingVerificationIsPending(t *testing.T) {
	for _, tc := range []struct {
		status string
		want   v1.MandateStatus
	}{
		{"PENDING", v1.MandateStatus_MANDATE_STATUS_PENDING},
		{"VERIFYING", v1.MandateStatus_MANDATE_STATUS_PENDING},
		{"VERIFIED", v1.MandateStatus_MANDATE_STATUS_ACTIVE},
		{"GATEWAY_REJECTED", v1.MandateStatus_MANDATE_STATUS_FAILED},
		{"PROCESSOR_DECLINED", v1.MandateStatus_MANDATE_STATUS_FAILED},
		{"FAILED", v1.MandateStatus_MANDATE_STATUS_FAILED},
	} {
		r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Status: 200, Body: vaultAnswer(tc.status),
			Request: &v1.PaymentServiceSetupRecurringRequest{MerchantSetupId: "setup_3", Amount: usd(0), PaymentMethod: token("fake-nonce")}})
		out, _ := r.Response.(*v1.PaymentServiceSetupRecurringResponse)
		if r.Err != nil || out.GetStatus() != tc.want {
			t.Fatalf("setup recurring, verification %s: status %v (%v), want %v", tc.status, out.GetStatus(), r.Err, tc.want)
		}
		if tc.want != v1.MandateStatus_MANDATE_STATUS_FAILED &&
			(out.GetError() != nil || out.GetMandate().GetConnectorMandateId() != "cGF5bWVudG1ldGhvZF91c2JfMQ" || out.GetMandate().GetStatus() != tc.want) {
			t.Fatalf("setup recurring, verification %s: %v", tc.status, out)
		}

		tok := run(t, pdktest.Call{Flow: v1.Flow_FLOW_TOKENIZE, Status: 200, Body: vaultAnswer(tc.status),
			Request: &v1.PaymentMethodServiceTokenizeRequest{MerchantRequestId: "tok_3", PaymentMethod: token("fake-nonce")}})
		if tc.want == v1.MandateStatus_MANDATE_STATUS_FAILED {
			if tok.GetParseError().GetKind() != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED {
				t.Fatalf("tokenize, verification %s: error %v, want PROCESSOR_REJECTED", tc.status, tok.ParseError)
			}
			continue
		}
		if got := tok.Response.(*v1.PaymentMethodServiceTokenizeResponse).GetPaymentMethodToken(); tok.Err != nil || got != "cGF5bWVudG1ldGhvZF91c2JfMQ" {
			t.Fatalf("tokenize, verification %s: token %q (%v)", tc.status, got, tok.Err)
		}
	}
}
