package main

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// fakeProcessor answers like Stripe's PaymentIntents API, from memory, with an
// optional fixed latency. It keeps no state: every PaymentIntent succeeds and
// echoes the requested amount, currency and metadata.
type fakeProcessor struct {
	latency  time.Duration
	srv      *http.Server
	ln       net.Listener
	requests atomic.Int64
}

func startFake(latency time.Duration) (*fakeProcessor, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &fakeProcessor{latency: latency, ln: ln}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 5 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

func (f *fakeProcessor) URL() string { return "http://" + f.ln.Addr().String() }
func (f *fakeProcessor) Close()      { f.srv.Close() }

func (f *fakeProcessor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	if f.latency > 0 {
		time.Sleep(f.latency) // simulated processor latency
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/v1/payment_intents") {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"type":"invalid_request_error","message":"Unrecognized request URL"}}`)
		return
	}
	if err := r.ParseForm(); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_fake")
	w.Write(paymentIntent(r.PostForm, f.requests.Load()))
}

// paymentIntent is a PaymentIntent the size and shape Stripe returns for a
// confirmed card payment (~2 KB), with the form's amount, currency and metadata.
func paymentIntent(form url.Values, n int64) []byte {
	amount, _ := strconv.ParseInt(form.Get("amount"), 10, 64)
	currency := form.Get("currency")
	ref := form.Get("metadata[merchant_transaction_id]")
	id := fmt.Sprintf("pi_3Fake%016d", n)
	capture := form.Get("capture_method")
	if capture == "" {
		capture = "automatic"
	}
	return fmt.Appendf(nil, `{
  "id": %q, "object": "payment_intent", "amount": %d, "amount_capturable": 0,
  "amount_details": {"tip": {}}, "amount_received": %d, "application": null,
  "application_fee_amount": null, "automatic_payment_methods": null, "canceled_at": null,
  "cancellation_reason": null, "capture_method": %q, "client_secret": "%s_secret_fake",
  "confirmation_method": "automatic", "created": 1767322800, "currency": %q, "customer": null,
  "description": null, "invoice": null, "last_payment_error": null,
  "latest_charge": "ch_3Fake%016d", "livemode": false,
  "metadata": {"merchant_transaction_id": %q}, "next_action": null, "on_behalf_of": null,
  "payment_method": "pm_1FakeCardVisa", "payment_method_configuration_details": null,
  "payment_method_options": {"card": {"installments": null, "mandate_options": null, "network": null,
    "request_three_d_secure": "automatic"}}, "payment_method_types": ["card"], "processing": null,
  "receipt_email": null, "review": null, "setup_future_usage": null, "shipping": null, "source": null,
  "statement_descriptor": null, "statement_descriptor_suffix": null, "status": "succeeded",
  "transfer_data": null, "transfer_group": null
}`, id, amount, amount, capture, id, currency, n, ref)
}
