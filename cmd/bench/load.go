package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
)

// caller makes one payment call; i numbers calls so ids are unique.
type caller func(ctx context.Context, i int64) error

func httpClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: time.Minute}, Timeout: 30 * time.Second}
}

// directCaller posts a PaymentIntent straight to the fake processor, as a
// merchant's own Stripe integration would.
func directCaller(base string, hc *http.Client) caller {
	return func(ctx context.Context, i int64) error {
		form := url.Values{}
		form.Set("amount", "1999")
		form.Set("currency", "usd")
		form.Set("confirm", "true")
		form.Set("payment_method", "pm_card_visa")
		form.Set("metadata[merchant_transaction_id]", fmt.Sprintf("order_%d", i))
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/payment_intents", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer sk_test_bench")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("order_%d", i))
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err == nil && res.StatusCode != 200 {
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		return err
	}
}

// hostCaller authorizes through the connector host (Connect protocol, binary protobuf).
func hostCaller(base, connector string, hc *http.Client) caller {
	client := connectorhostv1connect.NewPaymentServiceClient(hc, base)
	return func(ctx context.Context, i int64) error {
		req := connect.NewRequest(&v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: fmt.Sprintf("order_%d", i),
			Amount:                &v1.Money{MinorAmount: 1999, Currency: "USD"},
			PaymentMethod:         &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "pm_card_visa"}}},
			CaptureMethod:         v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
		})
		req.Header().Set("x-connector", connector)
		req.Header().Set("x-connector-auth", `{"api_key":"sk_test_bench"}`)
		res, err := client.Authorize(ctx, req)
		if err != nil {
			return err
		}
		if res.Msg.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
			return fmt.Errorf("status %v", res.Msg.GetStatus())
		}
		return nil
	}
}

// result summarises a load run.
type result struct {
	Sent, Errors int64
	Elapsed      time.Duration
	Latencies    []time.Duration
	FirstErr     string
}

func (r *result) Rate() float64 { return float64(r.Sent-r.Errors) / r.Elapsed.Seconds() }

func (r *result) Pct(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[int(float64(len(r.Latencies)-1)*p)]
}

func (r *result) String() string {
	return fmt.Sprintf("%d calls, %d errors, %.0f/s, p50 %s p99 %s max %s", r.Sent, r.Errors, r.Rate(),
		ms(r.Pct(0.5)), ms(r.Pct(0.99)), ms(r.Pct(1)))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d.Nanoseconds())/1e6) }

type recorder struct {
	mu        sync.Mutex
	latencies []time.Duration
	sent      atomic.Int64
	errors    atomic.Int64
	firstErr  atomic.Value
}

func (r *recorder) record(d time.Duration, err error) {
	r.sent.Add(1)
	if err != nil {
		r.errors.Add(1)
		r.firstErr.CompareAndSwap(nil, err.Error())
	}
	r.mu.Lock()
	r.latencies = append(r.latencies, d)
	r.mu.Unlock()
}

func (r *recorder) result(elapsed time.Duration) *result {
	sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
	res := &result{Sent: r.sent.Load(), Errors: r.errors.Load(), Elapsed: elapsed, Latencies: r.latencies}
	if v := r.firstErr.Load(); v != nil {
		res.FirstErr = v.(string)
	}
	return res
}

// closedLoop runs workers that call back-to-back for d: the maximum throughput.
func closedLoop(ctx context.Context, call caller, workers int, d time.Duration) *result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	rec := &recorder{}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				t := time.Now()
				err := call(context.Background(), next.Add(1))
				rec.record(time.Since(t), err)
			}
		}()
	}
	wg.Wait()
	return rec.result(time.Since(start))
}

// openLoop sends at a fixed rate for d, each call on its own goroutine (at
// most maxInFlight), measuring latency from each call's scheduled start so
// queueing is counted (no coordinated omission).
func openLoop(ctx context.Context, call caller, rate float64, d time.Duration, maxInFlight int) *result {
	rec := &recorder{}
	interval := time.Duration(float64(time.Second) / rate)
	total := int64(d.Seconds() * rate)
	sem := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	start := time.Now()
	for i := int64(0); i < total && ctx.Err() == nil; i++ {
		scheduled := start.Add(time.Duration(i) * interval)
		if wait := time.Until(scheduled); wait > 0 {
			time.Sleep(wait) // pacing the arrival schedule, not synchronisation
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(i int64) {
			defer wg.Done()
			defer func() { <-sem }()
			err := call(context.Background(), i)
			rec.record(time.Since(scheduled), err)
		}(i)
	}
	wg.Wait()
	return rec.result(time.Since(start))
}
