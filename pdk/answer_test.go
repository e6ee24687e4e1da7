package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
)

func TestStatusError(t *testing.T) {
	e := StatusError(422, &v1.ConnectorError{Code: "14_030", Message: "Return URL is missing.", RequestId: "PSP"})
	if e.Kind != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED || e.Message != "HTTP 422 error 14_030: Return URL is missing." ||
		e.Detail.GetCode() != v1.ErrorCode_ERROR_CODE_INVALID_REQUEST || e.Detail.GetConnector().GetHttpStatus() != 422 || e.Detail.GetConnector().GetRequestId() != "PSP" {
		t.Fatalf("422 = %+v %v", e, e.Detail)
	}
	e = StatusError(502, nil)
	if e.Kind != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE || e.Message != "HTTP 502: HTTP 502" || e.Detail.GetConnector().GetHttpStatus() != 502 {
		t.Fatalf("502 = %+v %v", e, e.Detail)
	}
	if m := IntegrityMismatch("for payment %s", "P2"); m.Kind != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE ||
		m.Detail.GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH || m.Message != "for payment P2" {
		t.Fatalf("integrity = %+v", m)
	}
}

func TestProcessorAmounts(t *testing.T) {
	exps := money.Exponents{"IDR": 0, "ISK": 2}
	if n, err := ToProcessorAmount("amount", &v1.Money{MinorAmount: 1500, Currency: "ISK"}, exps, "Acme"); err != nil || n != 150000 {
		t.Fatalf("ISK = %d, %v", n, err)
	}
	for field, m := range map[string]*v1.Money{
		"amount":              nil,
		"amount.currency":     {MinorAmount: 1, Currency: "XXY"},
		"amount.minor_amount": {MinorAmount: 150050, Currency: "IDR"},
	} {
		_, err := ToProcessorAmount("amount", m, exps, "Acme")
		if e, ok := err.(*Error); !ok || e.Kind != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || e.Message[:len(field)+1] != field+":" {
			t.Errorf("%v: err = %v, want INVALID_REQUEST naming %s", m, err, field)
		}
	}
	if _, err := ToProcessorAmount("refund_amount", &v1.Money{MinorAmount: -1, Currency: "EUR"}, exps, "Acme"); err == nil {
		t.Error("a negative amount must fail")
	}
	if m, err := FromProcessorAmount(279000, "ISK", exps); err != nil || m.GetMinorAmount() != 2790 {
		t.Fatalf("from ISK = %v, %v", m, err)
	}
	for _, c := range []struct {
		n   int64
		cur string
	}{{279050, "ISK"}, {1, "XXY"}} {
		if _, err := FromProcessorAmount(c.n, c.cur, exps); err == nil || err.(*Error).Kind != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
			t.Errorf("%d %s: err = %v, want INVALID_RESPONSE", c.n, c.cur, err)
		}
	}
}
