package app_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/platform/store/storetest"
)

// BenchmarkConfirmCapture measures confirm+capture pairs per second through
// the platform (create intent, confirm, capture: three HTTP calls, the
// database transitions and two connector calls) on SQLite and PostgreSQL,
// and the same two connector calls (Authorize manual + Capture) made
// directly on the bare connector host, in the same run, against the same
// stripe-mock behind the same lifecycle proxy. See BENCHMARKS.md.
func BenchmarkConfirmCapture(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres", "bare-host"} {
		b.Run(db, func(b *testing.B) {
			tb := testing.TB(b)
			var url string
			switch db {
			case "sqlite", "bare-host":
				url = "sqlite:" + b.TempDir() + "/bench.db"
			case "postgres":
				url = storetest.PostgresURL(tb)
			}
			p := startPlatform(tb, platformOpts{dbURL: url})
			p.skipSpec = true
			_, pm := setup(tb, p)
			if db == "bare-host" {
				benchBareHost(b, p)
				return
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				id := createIntent(tb, p, 1000, "manual", pm)
				p.call("POST", "/intents/"+id+"/confirm", nil).must(tb, 200)
				p.call("POST", "/intents/"+id+"/capture", nil).must(tb, 200)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}

func benchBareHost(b *testing.B, p *platform) {
	c := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, p.app.LocalHostURL())
	hdr := func(r interface{ Header() http.Header }) {
		r.Header().Set("x-connector", "stripe")
		r.Header().Set("x-connector-auth", `{"api_key":"sk_test_123"}`)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ar := connect.NewRequest(&v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: fmt.Sprintf("bench_%d", i),
			Amount: &v1.Money{MinorAmount: 1000, Currency: "USD"}, CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "pm_card_visa"}}}})
		hdr(ar)
		res, err := c.Authorize(ctx, ar)
		if err != nil || res.Msg.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED {
			b.Fatalf("authorize: %v %v", err, res)
		}
		cr := connect.NewRequest(&v1.PaymentServiceCaptureRequest{ConnectorTransactionId: res.Msg.GetConnectorTransactionId(),
			AmountToCapture: &v1.Money{MinorAmount: 1000, Currency: "USD"}, MerchantCaptureId: fmt.Sprintf("bench_%d_cap", i)})
		hdr(cr)
		if _, err := c.Capture(ctx, cr); err != nil {
			b.Fatalf("capture: %v", err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}
