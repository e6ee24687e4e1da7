package executor_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/executor"
)

// docServer answers the egress client's requests in memory and counts them
// by URL.
type docServer struct {
	mu      sync.Mutex
	fetched map[string]int
	bodies  map[string]string // URL -> body; others answer 404
}

func (d *docServer) RoundTrip(r *http.Request) (*http.Response, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u := r.URL.String()
	d.fetched[u]++
	body, ok := d.bodies[u]
	status := 200
	if !ok {
		status = 404
	}
	return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

func (d *docServer) count(u string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fetched[u]
}

func (d *docServer) total() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, c := range d.fetched {
		n += c
	}
	return n
}

const (
	certURL  = "https://docs.tokenized.test/cert.pem"
	otherURL = "https://docs.tokenized.test/other.pem"
)

// docsSetup returns an executor serving the tokenized plugin, its document
// server and a clock tests move.
func docsSetup(t *testing.T) (*executor.Executor, *docServer, *time.Time) {
	t.Helper()
	docs := &docServer{fetched: map[string]int{}, bodies: map[string]string{
		certURL: "doc-ok", otherURL: "doc-ok", "https://docs.tokenized.test/big": strings.Repeat("x", 65<<10),
	}}
	now := time.Unix(1_800_000_000, 0)
	x := executor.New(executor.Options{
		Registry: loadTokenized(t), Sender: egress.New(egress.Options{Transport: docs}),
		// The operator's base-URL override must not widen what may be fetched.
		BaseURLs: map[string]string{"tokenized": "http://127.0.0.1:1"},
		Now:      func() time.Time { return now }, DocumentTTL: time.Hour,
	})
	return x, docs, &now
}

func webhookNaming(urls ...string) *v1.WebhookRequest {
	return &v1.WebhookRequest{Method: "POST", Body: []byte(`{}`), Headers: []*v1.HttpHeader{{Name: "X-Doc-Url", Value: strings.Join(urls, ",")}}}
}

func TestWebhookDocumentsAreFetchedOnceAndCached(t *testing.T) {
	x, docs, now := docsSetup(t)
	ctx := context.Background()
	res, err := x.Webhook(ctx, call, webhookNaming(certURL, otherURL))
	require.NoError(t, err)
	require.Len(t, res.GetEvents(), 1)
	assert.Equal(t, 1, docs.count(certURL))
	assert.Equal(t, 1, docs.count(otherURL))

	_, err = x.Webhook(ctx, call, webhookNaming(certURL))
	require.NoError(t, err)
	assert.Equal(t, 1, docs.count(certURL), "a second webhook within the TTL is served from the cache")

	*now = now.Add(time.Hour + time.Second)
	_, err = x.Webhook(ctx, call, webhookNaming(certURL))
	require.NoError(t, err)
	assert.Equal(t, 2, docs.count(certURL), "after the TTL the document is fetched again")
}

func TestWebhookDocumentFailuresAreNotCached(t *testing.T) {
	x, docs, _ := docsSetup(t)
	missing := "https://docs.tokenized.test/missing"
	for range 2 {
		_, err := x.Webhook(context.Background(), call, webhookNaming(missing))
		assert.Equal(t, executor.KindUnauthenticated, kindOf(err), "the plugin sees the 404 and rejects")
	}
	assert.Equal(t, 2, docs.count(missing), "a 404 is not cached")
}

func TestWebhookDocumentURLsAreChecked(t *testing.T) {
	x, docs, _ := docsSetup(t)
	for name, tc := range map[string]struct {
		url  string
		code executor.Kind
		want string
	}{
		"host not in egress_hosts": {"https://evil.test/cert.pem", executor.KindUnauthenticated, "egress_hosts"},
		"operator base URL host":   {"http://127.0.0.1:1/cert.pem", executor.KindUnauthenticated, "not https"},
		"plain http":               {"http://docs.tokenized.test/cert.pem", executor.KindUnauthenticated, "not https"},
		"other port":               {"https://docs.tokenized.test:8443/cert.pem", executor.KindUnauthenticated, "port 8443"},
		"userinfo":                 {"https://u:p@docs.tokenized.test/cert.pem", executor.KindUnauthenticated, "credentials"},
		"larger than 64 KiB":       {"https://docs.tokenized.test/big", executor.KindUnauthenticated, "larger than 64 KiB"},
	} {
		t.Run(name, func(t *testing.T) {
			before := docs.total()
			_, err := x.Webhook(context.Background(), call, webhookNaming(certURL, tc.url))
			require.Error(t, err)
			assert.Equal(t, tc.code, kindOf(err), err.Error())
			assert.Contains(t, err.Error(), tc.want)
			if name != "larger than 64 KiB" {
				assert.Contains(t, err.Error(), tc.url, "the error names the URL")
				assert.Equal(t, before, docs.total(), "nothing is fetched when any URL is refused")
			}
		})
	}
}

func TestWebhookAskingForDocumentsTwiceIsAnError(t *testing.T) {
	x, docs, _ := docsSetup(t)
	w := webhookNaming(certURL)
	w.Headers = append(w.Headers, &v1.HttpHeader{Name: "X-Ask-Again", Value: "1"})
	_, err := x.Webhook(context.Background(), call, w)
	require.Error(t, err)
	assert.Equal(t, executor.KindInternal, kindOf(err))
	assert.Contains(t, err.Error(), certURL)
	assert.Equal(t, 1, docs.count(certURL), "the host fetches once and calls the plugin once more, no loop")
}

func TestParseWebhookNeverFetches(t *testing.T) {
	x, docs, _ := docsSetup(t)
	_, err := x.ParseWebhook(context.Background(), call, webhookNaming(certURL))
	require.Error(t, err)
	assert.Equal(t, executor.KindInternal, kindOf(err))
	assert.Contains(t, err.Error(), "never fetches")
	assert.Zero(t, docs.total())
}
