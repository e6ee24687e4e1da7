package tzero

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
)

// BenchmarkCreateConfirm measures CreatePaymentIntent + ConfirmFundsReceived
// pairs over the wire (signed Connect calls to an httptest server, the
// network calling two pay-in providers' GetPaymentDetails), on each database.
// The notification worker is not running, so each pair's cost includes
// queueing its notification but not delivering it.
func BenchmarkCreateConfirm(b *testing.B) {
	for _, d := range testDBs(b) {
		for _, par := range []int{1, 4} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", d.name, par*runtime.GOMAXPROCS(0)), func(b *testing.B) {
				e := newEnv(b, d, true)
				e.setQuotes(e.p1, e.quote("EUR", sepa, 24*time.Hour, band(dec(1e9, 0), dec(92, -2), dec(150, -2))))
				e.setQuotes(e.p2, e.quote("EUR", sepa, 24*time.Hour, band(dec(1e9, 0), dec(93, -2), nil)))
				var seq atomic.Int64
				b.SetParallelism(par)
				b.ResetTimer()
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						n := seq.Add(1)
						r, err := e.ben.client.CreatePaymentIntent(context.Background(), connect.NewRequest(createReq(fmt.Sprintf("bench-%d", n), "EUR", dec(100+n%1000, 0))))
						if err != nil || r.Msg.GetSuccess() == nil {
							b.Errorf("create: %v %v", r, err)
							return
						}
						id := r.Msg.GetSuccess().GetPaymentIntentId()
						p := e.p1
						if n%2 == 0 {
							p = e.p2
						}
						c, err := e.confirm(p, confirmReq(id, p.code(id), sepa, fmt.Sprintf("bench-tx-%d", n)))
						if err != nil || c.GetAccept() == nil {
							b.Errorf("confirm: %v %v", c, err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "pairs/s")
			})
		}
	}
}
