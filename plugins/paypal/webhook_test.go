package paypal_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"hash/crc32"
	"math/big"
	"strings"
	"testing"
	"time"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/connectorhost/connector-host/plugins/paypal"
)

// webhookSigner signs webhooks as PayPal does: SHA256withRSA over
// transmission_id|transmission_time|webhook_id|crc32(body) (PayPal developer
// docs, "Webhooks > Verify signatures"; PayPal-Java-SDK
// com.paypal.api.payments.Event.validateReceivedEvent and
// SSLUtil.crc32/validateData). There is no official vector usable offline:
// the SDKs' samples download the certificate from PayPal at test time (and
// PayPal-PHP-SDK sample/notifications/ValidateWebhookEvent.php calls the
// verify-webhook-signature API instead, as PHP cannot check the chain), and
// those certificates have expired. So the key and the certificate chain are
// generated here.
type webhookSigner struct {
	key       *rsa.PrivateKey
	chainPEM  string // leaf then root: what paypal-cert-url serves
	rootPEM   string // the trust anchor the operator pins in webhook_cert_pem
	leafPEM   string
	webhookID string
}

// testCertURL is the paypal-cert-url of signed test webhooks.
const testCertURL = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"

func newCert(t *testing.T, cn string, pub *rsa.PublicKey, parent *x509.Certificate, signer *rsa.PrivateKey, ca bool, notAfter time.Time) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: notAfter, IsCA: ca, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pemOf(cs ...*x509.Certificate) string {
	var b strings.Builder
	for _, c := range cs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return b.String()
}

func newWebhookSigner(t *testing.T, expired bool) *webhookSigner {
	return newWebhookSignerNamed(t, "messageverificationcerts.sandbox.paypal.com", expired)
}

// newWebhookSignerNamed makes a root CA and a leaf issued to cn.
func newWebhookSignerNamed(t *testing.T, cn string, expired bool) *webhookSigner {
	t.Helper()
	rootKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	notAfter := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	if expired {
		notAfter = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	root := newCert(t, "Test Root CA", &rootKey.PublicKey, nil, rootKey, true, time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))
	leaf := newCert(t, cn, &key.PublicKey, root, rootKey, false, notAfter)
	return &webhookSigner{key: key, chainPEM: pemOf(leaf, root), rootPEM: pemOf(root), leafPEM: pemOf(leaf), webhookID: "8PT597110X687430LKGECATA"}
}

func (s *webhookSigner) sign(t *testing.T, body []byte, at time.Time) *v1.WebhookRequest {
	t.Helper()
	id, ts := "b2384410-f8d2-11ec-9a54-6b7c3f4a8bd0", at.UTC().Format(time.RFC3339)
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%s|%d", id, ts, s.webhookID, crc32.ChecksumIEEE(body))))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	h := func(n, v string) *v1.HttpHeader { return &v1.HttpHeader{Name: n, Value: v} }
	return &v1.WebhookRequest{Method: "POST", Url: "https://merchant.example/webhooks/paypal", Body: body, Headers: []*v1.HttpHeader{
		h("Content-Type", "application/json"), h("PAYPAL-TRANSMISSION-ID", id), h("PAYPAL-TRANSMISSION-TIME", ts),
		h("PAYPAL-TRANSMISSION-SIG", base64.StdEncoding.EncodeToString(sig)), h("PAYPAL-AUTH-ALGO", "SHA256withRSA"),
		h("PAYPAL-CERT-URL", testCertURL),
	}}
}

// creds pin the test root in webhook_cert_pem (in place of the DigiCert
// roots the plugin pins).
func (s *webhookSigner) creds() map[string]string {
	return map[string]string{"webhook_id": s.webhookID, "webhook_cert_pem": s.rootPEM}
}

// docs is what the host fetches: the signer's chain at testCertURL.
func (s *webhookSigner) docs() map[string][]byte {
	return map[string][]byte{testCertURL: []byte(s.chainPEM)}
}

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// verify runs verify_webhook as the host does, serving s's certificate chain
// when the plugin asks for paypal-cert-url.
func (s *webhookSigner) verify(t *testing.T, w *v1.WebhookRequest, creds map[string]string, at time.Time) *pluginv1.VerifyWebhookOutput {
	t.Helper()
	out, _ := verifyServing(t, w, creds, s.docs(), at)
	return out
}

// verifyServing runs verify_webhook with docs as the documents the host
// fetches, and returns the URLs the plugin asked for.
func verifyServing(t *testing.T, w *v1.WebhookRequest, creds map[string]string, docs map[string][]byte, at time.Time) (*pluginv1.VerifyWebhookOutput, []string) {
	t.Helper()
	out, asked, err := pdktest.VerifyWithDocuments(pdktest.New(paypal.New()), &pluginv1.VerifyWebhookInput{Webhook: w,
		Context: &pluginv1.CallContext{Credentials: creds, NowUnixMs: at.UnixMilli()}}, docs)
	if err != nil {
		t.Fatal(err)
	}
	return out, asked
}

const refundBody = `{"id":"WH-1TR31355W1766684Y-43J04566WP6932510","create_time":"2026-01-02T03:04:00.000Z","resource_type":"refund",` +
	`"event_type":"PAYMENT.CAPTURE.REFUNDED","resource":{"id":"1JU08902781691411","status":"COMPLETED","amount":{"currency_code":"JPY","value":"500"},` +
	`"custom_id":"refund_1","supplementary_data":{"related_ids":{"order_id":"5O190127TN364715T","capture_id":"42311647XV020574X"}}}}`

func TestWebhookVerifiesGenuine(t *testing.T) {
	s := newWebhookSigner(t, false)
	out := s.verify(t, s.sign(t, []byte(refundBody), now.Add(-5*time.Second)), s.creds(), now)
	evs := out.GetVerified().GetEvents()
	if len(evs) != 1 {
		t.Fatalf("output = %v", out)
	}
	r := evs[0].GetRefund()
	if !evs[0].GetVerified() || evs[0].GetKind() != v1.EventKind_EVENT_KIND_REFUND || r.GetConnectorRefundId() != "1JU08902781691411" ||
		r.GetConnectorTransactionId() != "5O190127TN364715T" || r.GetAmount().GetMinorAmount() != 500 || r.GetAmount().GetCurrency() != "JPY" ||
		r.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || r.GetMerchantRefundId() != "refund_1" {
		t.Fatalf("event = %v", evs[0])
	}
	if out.GetVerified().GetAcknowledgement().GetStatus() != 200 {
		t.Errorf("acknowledgement = %v", out.GetVerified().GetAcknowledgement())
	}
}

// TestWebhookRefusesTampering refuses every variant of a genuine webhook
// that changes the body, the timestamp, the transmission id, the signature,
// the webhook id or the certificate, or comes with a certificate that is
// expired, not chained to the pinned root, not PayPal's, or announced on a
// foreign host (which is refused before the host is asked to fetch it).
func TestWebhookRefusesTampering(t *testing.T) {
	s := newWebhookSigner(t, false)
	other := newWebhookSigner(t, false)
	expired := newWebhookSigner(t, true)
	impostor := newWebhookSignerNamed(t, "www.example.com", false)
	body := []byte(refundBody)
	header := func(w *v1.WebhookRequest, name string) string {
		for _, h := range w.Headers {
			if strings.EqualFold(h.Name, name) {
				return h.Value
			}
		}
		return ""
	}
	set := func(w *v1.WebhookRequest, name, value string) *v1.WebhookRequest {
		var hs []*v1.HttpHeader
		for _, h := range w.Headers {
			if !strings.EqualFold(h.Name, name) {
				hs = append(hs, h)
			}
		}
		if value != "" {
			hs = append(hs, &v1.HttpHeader{Name: name, Value: value})
		}
		w.Headers = hs
		return w
	}
	genuine := func() *v1.WebhookRequest { return s.sign(t, body, now) }
	with := func(k, v string) map[string]string {
		c := s.creds()
		c[k] = v
		return c
	}
	serving := func(pemText string) map[string][]byte { return map[string][]byte{testCertURL: []byte(pemText)} }
	// A certificate issued by s's leaf (not a CA) to PayPal's name, signing with its own key.
	childKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sLeaf, err := x509.ParseCertificate(mustPEM(t, s.leafPEM))
	if err != nil {
		t.Fatal(err)
	}
	child := newCert(t, "messageverificationcerts.sandbox.paypal.com", &childKey.PublicKey, sLeaf, s.key, false, time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))
	childSigner := &webhookSigner{key: childKey, webhookID: s.webhookID}
	const (
		mismatch = pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH
		missing  = pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE
		bad      = pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE
		stale    = pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP
		noSecret = pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET
	)
	cases := []struct {
		name    string
		w       *v1.WebhookRequest
		creds   map[string]string
		docs    map[string][]byte // nil: s's chain
		at      time.Time
		want    pluginv1.RejectionReason
		noFetch bool // refused before asking the host for the certificate
	}{
		{"body changed", func() *v1.WebhookRequest {
			w := genuine()
			w.Body = []byte(strings.Replace(refundBody, `"500"`, `"900"`, 1))
			return w
		}(), s.creds(), nil, now, mismatch, false},
		{"transmission time changed", set(genuine(), "Paypal-Transmission-Time", now.Add(time.Second).Format(time.RFC3339)), s.creds(), nil, now, mismatch, false},
		{"transmission id changed", set(genuine(), "Paypal-Transmission-Id", "b2384410-f8d2-11ec-9a54-6b7c3f4a8bd1"), s.creds(), nil, now, mismatch, false},
		{"signed by another key", set(genuine(), "Paypal-Transmission-Sig", header(other.sign(t, body, now), "Paypal-Transmission-Sig")), s.creds(), nil, now, mismatch, false},
		{"signature corrupted", set(genuine(), "Paypal-Transmission-Sig", flipFirst(header(genuine(), "Paypal-Transmission-Sig"))), s.creds(), nil, now, mismatch, false},
		{"signature not base64", set(genuine(), "Paypal-Transmission-Sig", "%%%"), s.creds(), nil, now, bad, true},
		{"signature missing", set(genuine(), "Paypal-Transmission-Sig", ""), s.creds(), nil, now, missing, true},
		{"cert url missing", set(genuine(), "Paypal-Cert-Url", ""), s.creds(), nil, now, missing, true},
		{"cert url on a foreign host", set(genuine(), "Paypal-Cert-Url", "https://evil.example/v1/notifications/certs/CERT-1"), s.creds(), nil, now, bad, true},
		{"cert url on a PayPal API host that does not publish certificates", set(genuine(), "Paypal-Cert-Url", "https://api-m.paypal.com/v1/notifications/certs/CERT-1"), s.creds(), nil, now, bad, true},
		{"cert url over http", set(genuine(), "Paypal-Cert-Url", "http://api.paypal.com/v1/notifications/certs/CERT-1"), s.creds(), nil, now, bad, true},
		{"cert url with another port", set(genuine(), "Paypal-Cert-Url", "https://api.paypal.com:8443/v1/notifications/certs/CERT-1"), s.creds(), nil, now, bad, true},
		{"another algorithm", set(genuine(), "Paypal-Auth-Algo", "SHA1withRSA"), s.creds(), nil, now, bad, true},
		{"another webhook id", genuine(), with("webhook_id", "1JE4291016473214C"), nil, now, mismatch, false},
		{"webhook id missing", genuine(), with("webhook_id", ""), nil, now, noSecret, true},
		{"another certificate served", genuine(), s.creds(), serving(other.chainPEM), now, mismatch, false},
		{"served leaf not signed by the pinned root", genuine(), with("webhook_cert_pem", other.rootPEM), nil, now, mismatch, false},
		{"test root not pinned: only DigiCert is trusted", genuine(), with("webhook_cert_pem", ""), nil, now, mismatch, false},
		{"certificate url answers 404", genuine(), s.creds(), map[string][]byte{}, now, mismatch, false},
		{"certificate garbage served", genuine(), s.creds(), serving("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), now, mismatch, false},
		{"pinned certificate garbage", genuine(), with("webhook_cert_pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), nil, now, noSecret, true},
		{"leaf not issued to PayPal", impostor.sign(t, body, now), with("webhook_cert_pem", impostor.rootPEM), serving(impostor.chainPEM), now, mismatch, false},
		{"leaf signs another certificate", childSigner.sign(t, body, now), s.creds(), serving(pemOf(child) + s.chainPEM), now, mismatch, false},
		{"expired certificate", expired.sign(t, body, now), expired.creds(), serving(expired.chainPEM), now, mismatch, false},
		{"received too late", genuine(), s.creds(), nil, now.Add(6 * time.Minute), stale, true},
		{"signed in the future", genuine(), s.creds(), nil, now.Add(-6 * time.Minute), stale, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docs := c.docs
			if docs == nil {
				docs = s.docs()
			}
			out, asked := verifyServing(t, c.w, c.creds, docs, c.at)
			if out.GetVerified() != nil {
				t.Fatalf("accepted: %v", out.GetVerified())
			}
			if got := out.GetRejection().GetReason(); got != c.want {
				t.Fatalf("rejection = %v (%s), want %v", got, out.GetRejection().GetMessage(), c.want)
			}
			if c.noFetch && asked != nil {
				t.Errorf("asked the host to fetch %v for a webhook refused on its headers", asked)
			}
			if !c.noFetch && (len(asked) != 1 || asked[0] != testCertURL) {
				t.Errorf("asked for %v, want only paypal-cert-url", asked)
			}
		})
	}
	// The operator may pin the leaf itself instead of a root; PayPal may
	// serve the leaf without the root.
	if out := s.verify(t, genuine(), with("webhook_cert_pem", s.leafPEM), now); out.GetVerified() == nil {
		t.Fatalf("leaf pin refused: %v", out)
	}
	if out, _ := verifyServing(t, genuine(), s.creds(), serving(s.leafPEM), now); out.GetVerified() == nil {
		t.Fatalf("a leaf served without its root refused: %v", out)
	}
}

func mustPEM(t *testing.T, text string) []byte {
	t.Helper()
	b, _ := pem.Decode([]byte(text))
	if b == nil {
		t.Fatal("no PEM block")
	}
	return b.Bytes
}

// TestPinnedDigiCertRootsParse proves the roots pinned in the plugin are
// usable: without webhook_cert_pem a chain is checked against them (a test
// chain is refused as not chained to a pinned root, not as a broken pin).
func TestPinnedDigiCertRootsParse(t *testing.T) {
	s := newWebhookSigner(t, false)
	out := s.verify(t, s.sign(t, []byte(refundBody), now), map[string]string{"webhook_id": s.webhookID}, now)
	if !strings.Contains(out.GetRejection().GetMessage(), "does not chain to a trusted root") {
		t.Fatalf("without webhook_cert_pem: %v", out)
	}
}

// flipFirst changes the first character of a base64 string to another one.
func flipFirst(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

// TestWebhookEvents normalizes the event types PayPal sends for payments,
// refunds, disputes and vault tokens (resource shapes from PayPal's webhook
// event reference).
func TestWebhookEvents(t *testing.T) {
	s := newWebhookSigner(t, false)
	cases := []struct {
		name, body string
		check      func(e *v1.Event) bool
	}{
		{"order completed", `{"id":"WH-1","event_type":"CHECKOUT.ORDER.COMPLETED","resource":{"id":"ORD1","status":"COMPLETED","purchase_units":[{"custom_id":"o1",` +
			`"amount":{"currency_code":"EUR","value":"25.99"},"payments":{"captures":[{"id":"CAP1","status":"COMPLETED","amount":{"currency_code":"EUR","value":"25.99"}}]}}]}}`,
			func(e *v1.Event) bool {
				p := e.GetPayment()
				return e.GetKind() == v1.EventKind_EVENT_KIND_PAYMENT && p.GetConnectorTransactionId() == "ORD1" && p.GetStatus() == v1.PaymentStatus_PAYMENT_STATUS_CHARGED &&
					p.GetCapturedAmount().GetMinorAmount() == 2599 && p.GetMerchantTransactionId() == "o1"
			}},
		{"authorization voided", `{"id":"WH-2","event_type":"PAYMENT.AUTHORIZATION.VOIDED","resource":{"id":"AUT1","status":"VOIDED",` +
			`"amount":{"currency_code":"USD","value":"10.00"},"supplementary_data":{"related_ids":{"order_id":"ORD2"}}}}`,
			func(e *v1.Event) bool {
				return e.GetPayment().GetStatus() == v1.PaymentStatus_PAYMENT_STATUS_VOIDED && e.GetPayment().GetConnectorTransactionId() == "ORD2"
			}},
		{"capture declined keeps the response code", `{"id":"WH-3","event_type":"PAYMENT.CAPTURE.DECLINED","resource":{"id":"CAP3","status":"DECLINED",` +
			`"amount":{"currency_code":"USD","value":"10.00"},"processor_response":{"response_code":"5400"},"supplementary_data":{"related_ids":{"order_id":"ORD3"}}}}`,
			func(e *v1.Event) bool {
				return e.GetPayment().GetStatus() == v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED &&
					e.GetPayment().GetError().GetCode() == v1.ErrorCode_ERROR_CODE_EXPIRED_CARD && e.GetPayment().GetError().GetIssuer().GetDeclineCode() == "5400"
			}},
		{"capture reversed", `{"id":"WH-4","event_type":"PAYMENT.CAPTURE.REVERSED","resource":{"id":"CAP4","status":"REFUNDED","amount":{"currency_code":"USD","value":"10.00"}}}`,
			func(e *v1.Event) bool { return e.GetPayment().GetStatus() == v1.PaymentStatus_PAYMENT_STATUS_REVERSED }},
		{"dispute resolved for the seller", `{"id":"WH-5","event_type":"CUSTOMER.DISPUTE.RESOLVED","resource":{"dispute_id":"PP-D-1","status":"RESOLVED",` +
			`"dispute_amount":{"currency_code":"USD","value":"10.00"},"dispute_outcome":{"outcome_code":"RESOLVED_SELLER_FAVOUR"}}}`,
			func(e *v1.Event) bool {
				return e.GetKind() == v1.EventKind_EVENT_KIND_DISPUTE && e.GetDispute().GetStatus() == v1.DisputeStatus_DISPUTE_STATUS_WON
			}},
		{"payment token deleted", `{"id":"WH-6","event_type":"VAULT.PAYMENT-TOKEN.DELETED","resource":{"id":"8kk8451t","payment_source":{"paypal":{}}}}`,
			func(e *v1.Event) bool {
				return e.GetKind() == v1.EventKind_EVENT_KIND_MANDATE && e.GetMandate().GetStatus() == v1.MandateStatus_MANDATE_STATUS_REVOKED &&
					e.GetMandate().GetMandate().GetConnectorMandateId() == "paypal:8kk8451t"
			}},
		{"other", `{"id":"WH-7","event_type":"BILLING.SUBSCRIPTION.CREATED","resource":{"id":"I-1"}}`,
			func(e *v1.Event) bool { return e.GetKind() == v1.EventKind_EVENT_KIND_OTHER && e.GetPayload() == nil }},
	}
	for _, c := range cases {
		out := s.verify(t, s.sign(t, []byte(c.body), now), s.creds(), now)
		evs := out.GetVerified().GetEvents()
		if len(evs) != 1 || !evs[0].GetVerified() || !c.check(evs[0]) {
			t.Errorf("%s: %v", c.name, out)
		}
	}
	if out := s.verify(t, s.sign(t, []byte(`[1,2]`), now), s.creds(), now); out.GetRejection().GetReason() != pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY {
		t.Errorf("a signed non-object body: %v", out)
	}
}

// TestWebhookUnreadableEvent: a verified event of a type the plugin reads
// whose resource cannot be read (no resource, an amount that is not a
// decimal or in an unknown currency, a refund, dispute or payment token
// without its id) fails with INVALID_RESPONSE naming the event, verified or
// only parsed: never an event without its amount or id, which the host
// would acknowledge (200) and PayPal would not send again. An event of a
// type the plugin does not read still verifies as OTHER, whatever its
// resource.
func TestWebhookUnreadableEvent(t *testing.T) {
	s := newWebhookSigner(t, false)
	for _, tc := range []struct{ name, typ, resource string }{
		{"no resource", "PAYMENT.CAPTURE.COMPLETED", ``},
		{"resource not an object", "PAYMENT.CAPTURE.REFUNDED", `"1JU08902781691411"`},
		{"capture amount not a decimal", "PAYMENT.CAPTURE.COMPLETED", `{"id":"CAP1","status":"COMPLETED","amount":{"currency_code":"USD","value":"ten"}}`},
		{"refund unknown currency", "PAYMENT.CAPTURE.REFUNDED", `{"id":"REF1","status":"COMPLETED","amount":{"currency_code":"ZZZ","value":"5.00"}}`},
		{"refund without id", "PAYMENT.CAPTURE.REFUNDED", `{"status":"COMPLETED","amount":{"currency_code":"USD","value":"5.00"}}`},
		{"dispute without id", "CUSTOMER.DISPUTE.CREATED", `{"status":"OPEN","dispute_amount":{"currency_code":"USD","value":"10.00"}}`},
		{"payment token without id", "VAULT.PAYMENT-TOKEN.CREATED", `{"payment_source":{"card":{}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"id":"WH-ODD","event_type":"` + tc.typ + `"`
			if tc.resource != "" {
				body += `,"resource":` + tc.resource
			}
			body += `}`
			out := s.verify(t, s.sign(t, []byte(body), now), s.creds(), now)
			if out.GetVerified() != nil || out.GetRejection() != nil || out.GetError().GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE ||
				!strings.Contains(out.GetError().GetMessage(), "WH-ODD") {
				t.Fatalf("result = %v, want an INVALID_RESPONSE error naming the event", out)
			}
			parsed, err := pdktest.New(paypal.New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{ParseOnly: true,
				Webhook: &v1.WebhookRequest{Method: "POST", Body: []byte(body)}, Context: &pluginv1.CallContext{NowUnixMs: now.UnixMilli()}})
			if err != nil {
				t.Fatal(err)
			}
			if parsed.GetParsed() != nil || parsed.GetError().GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
				t.Fatalf("parsed = %v, want an INVALID_RESPONSE error", parsed)
			}
		})
	}
	t.Run("a type not read is still verified", func(t *testing.T) {
		body := `{"id":"WH-OTHER","event_type":"BILLING.SUBSCRIPTION.CREATED","resource":{"amount":{"currency_code":"ZZZ","value":"ten"}}}`
		out := s.verify(t, s.sign(t, []byte(body), now), s.creds(), now)
		if evs := out.GetVerified().GetEvents(); len(evs) != 1 || evs[0].GetKind() != v1.EventKind_EVENT_KIND_OTHER || !evs[0].GetVerified() {
			t.Fatalf("result = %v, want a verified OTHER event", out)
		}
	})
}
