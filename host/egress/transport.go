package egress

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// ClientCert is a PEM certificate chain and private key the processor
// requires (mutual TLS). The executor takes them from the credential fields
// tls_client_cert and tls_client_key.
type ClientCert struct {
	CertPEM []byte
	KeyPEM  []byte
}

// hash identifies the pair without revealing it (the cache key).
func (c *ClientCert) hash() string {
	h := sha256.New()
	h.Write(c.CertPEM)
	h.Write([]byte{0})
	h.Write(c.KeyPEM)
	return hex.EncodeToString(h.Sum(nil))
}

type transportKey struct {
	connector string
	// cert is the hash of the client certificate and key, "" for none.
	cert string
}

type transportEntry struct {
	tr       *http.Transport
	lastUsed time.Time
}

// transports holds one pooled transport per connector (its connect and TLS
// timeouts differ) and per (connector, client certificate): TLS sessions with
// a client certificate must not be shared with calls that present another.
type transports struct {
	opts Options

	mu      sync.Mutex
	entries map[transportKey]*transportEntry
	certs   int
}

func newTransports(opts Options) *transports {
	return &transports{opts: opts, entries: map[transportKey]*transportEntry{}}
}

// get returns the transport for a call to connector presenting cert (nil for none).
func (t *transports) get(connector string, st Settings, cert *ClientCert) (http.RoundTripper, error) {
	if t.opts.Transport != nil {
		if cert != nil {
			return nil, errors.New("client certificates need the host's own transport")
		}
		return t.opts.Transport, nil
	}
	k := transportKey{connector: connector}
	if cert != nil {
		k.cert = cert.hash()
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.entries[k]; ok {
		e.lastUsed = now
		return e.tr, nil
	}
	var pair *tls.Certificate
	if cert != nil {
		p, err := tls.X509KeyPair(cert.CertPEM, cert.KeyPEM)
		if err != nil {
			return nil, fmt.Errorf("credentials tls_client_cert and tls_client_key are not a usable PEM certificate and private key: %w", err)
		}
		pair = &p
		if t.certs >= t.opts.MaxClientCertTransports {
			t.evictLocked()
		}
		t.certs++
	}
	e := &transportEntry{tr: t.build(st, pair), lastUsed: now}
	t.entries[k] = e
	return e.tr, nil
}

// evictLocked drops the least recently used client-certificate transport.
func (t *transports) evictLocked() {
	var oldest transportKey
	var found *transportEntry
	for k, e := range t.entries {
		if k.cert != "" && (found == nil || e.lastUsed.Before(found.lastUsed)) {
			oldest, found = k, e
		}
	}
	if found != nil {
		found.tr.CloseIdleConnections()
		delete(t.entries, oldest)
		t.certs--
	}
}

func (t *transports) build(st Settings, cert *tls.Certificate) *http.Transport {
	// With a proxy the dial goes to the operator's proxy, which resolves.
	dialer := &net.Dialer{Timeout: st.Timeouts.Connect, KeepAlive: 30 * time.Second, ControlContext: guardControl(t.opts.Proxy != nil)}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: t.opts.RootCAs}
	if cert != nil {
		tlsCfg.Certificates = []tls.Certificate{*cert}
	}
	tr := &http.Transport{
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   st.Timeouts.TLS,
		TLSClientConfig:       tlsCfg,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   t.opts.MaxIdleConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
	}
	if t.opts.Proxy != nil {
		tr.Proxy = http.ProxyURL(t.opts.Proxy)
	}
	return tr
}

// closeAll closes every idle connection and forgets the transports.
func (t *transports) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, e := range t.entries {
		e.tr.CloseIdleConnections()
		delete(t.entries, k)
	}
	t.certs = 0
}

// RootCAsFromPEM returns a pool with the system roots plus the PEM
// certificates in pem (a private processor CA or a TLS-inspecting proxy).
func RootCAsFromPEM(pem []byte) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("no PEM certificate found")
	}
	return pool, nil
}
