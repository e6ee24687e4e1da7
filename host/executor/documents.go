package executor

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/manifest"
)

// Limits of the documents verify_webhook may ask the host for
// (NeedDocuments): how many per webhook, how large, how long a fetch may
// take, and how many the cache keeps.
const (
	maxDocumentURLs     = 4
	maxDocumentBytes    = 64 << 10
	documentTimeout     = 10 * time.Second
	defaultDocumentTTL  = time.Hour
	maxCachedDocuments  = 256
	maxDocumentURLChars = 2048
)

// docCache keeps fetched documents by connector and URL for a TTL, bounded in
// size. It is owned by an Executor.
type docCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	max     int
	entries map[docKey]docEntry
}

type docKey struct{ connector, url string }

type docEntry struct {
	body    []byte
	expires time.Time
}

func newDocCache(ttl time.Duration, max int) *docCache {
	return &docCache{ttl: ttl, max: max, entries: map[docKey]docEntry{}}
}

// get returns a cached body that has not expired at now.
func (c *docCache) get(k docKey, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || !now.Before(e.expires) {
		delete(c.entries, k)
		return nil, false
	}
	return e.body, true
}

// put caches body until now+TTL, evicting expired entries and then the
// entry closest to expiry when the cache is full.
func (c *docCache) put(k docKey, body []byte, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok && len(c.entries) >= c.max {
		var oldest docKey
		var oldestAt time.Time
		for key, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, key)
				continue
			}
			if oldestAt.IsZero() || e.expires.Before(oldestAt) {
				oldest, oldestAt = key, e.expires
			}
		}
		if len(c.entries) >= c.max {
			delete(c.entries, oldest)
		}
	}
	c.entries[k] = docEntry{body: body, expires: now.Add(c.ttl)}
}

// checkDocumentURL allows a URL a plugin asks the host to fetch: absolute
// https, no credentials, default port, on a host of the manifest's
// egress_hosts. The operator's base-URL override allows nothing here.
func checkDocumentURL(raw string, allowed []string) error {
	if len(raw) > maxDocumentURLChars {
		return fmt.Errorf("document URL of %d characters is too long", len(raw))
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "":
		return fmt.Errorf("document URL %q is not an absolute URL", raw)
	case u.Scheme != "https":
		return fmt.Errorf("document URL %q is not https; refused", raw)
	case u.User != nil:
		return fmt.Errorf("document URL %q carries credentials; refused", raw)
	case u.Port() != "" && u.Port() != "443":
		return fmt.Errorf("document URL %q names port %s; only 443 is allowed", raw, u.Port())
	case !manifest.HostAllowed(u.Hostname(), allowed):
		return fmt.Errorf("document URL %q is on %s, which the connector's manifest does not declare in egress_hosts; refused", raw, u.Hostname())
	}
	return nil
}

// fetchDocuments answers a NeedDocuments: every URL is checked before any is
// fetched, then each is served from the cache or fetched (GET, size-capped,
// time-limited) through the egress client. Bodies are never logged.
func (s *session) fetchDocuments(ctx context.Context, need *pluginv1.NeedDocuments) ([]*pluginv1.FetchedDocument, error) {
	urls := need.GetUrls()
	if len(urls) == 0 || len(urls) > maxDocumentURLs {
		return nil, newError(KindInternal, fmt.Errorf("connector %q asked for %d documents; 1 to %d are allowed", s.call.Connector, len(urls), maxDocumentURLs))
	}
	for _, u := range urls {
		if err := checkDocumentURL(u, s.m.GetEgressHosts()); err != nil {
			return nil, newError(KindUnauthenticated, fmt.Errorf("%s: webhook not verified: %w", s.call.Connector, err))
		}
	}
	docs := make([]*pluginv1.FetchedDocument, 0, len(urls))
	for _, u := range urls {
		d, err := s.fetchDocument(ctx, u)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// fetchDocument returns one document, cached when it was fetched with status
// 200 within the TTL.
func (s *session) fetchDocument(ctx context.Context, raw string) (*pluginv1.FetchedDocument, error) {
	key := docKey{connector: s.call.Connector, url: raw}
	if body, ok := s.x.docs.get(key, s.x.opts.Now()); ok {
		return &pluginv1.FetchedDocument{Url: raw, Status: 200, Body: body}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, documentTimeout)
	defer cancel()
	res, err := s.x.opts.Sender.Do(ctx, egress.Request{
		Connector: s.call.Connector, HTTP: &pluginv1.HttpRequest{Method: "GET", Url: raw},
		AllowedHosts: s.m.GetEgressHosts(), Tenant: s.tenant,
	})
	if err != nil {
		kind := KindUnavailable
		var e *egress.Error
		if errors.As(err, &e) && e.Kind == egress.KindBlocked {
			kind = KindUnauthenticated
		}
		return nil, newError(kind, fmt.Errorf("%s: fetch document %q for webhook verification: %w", s.call.Connector, raw, err))
	}
	if res.GetTruncated() || len(res.GetBody()) > maxDocumentBytes {
		return nil, newError(KindUnauthenticated, fmt.Errorf("%s: document %q is larger than %d KiB; refused", s.call.Connector, raw, maxDocumentBytes>>10))
	}
	if res.GetStatus() == 200 {
		s.x.docs.put(key, res.GetBody(), s.x.opts.Now())
	}
	return &pluginv1.FetchedDocument{Url: raw, Status: res.GetStatus(), Body: res.GetBody()}, nil
}
