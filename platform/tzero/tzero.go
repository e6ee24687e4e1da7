// Package tzero is the T-0 Network side of the payment-intent protocol:
// tzero.v1.payment_intent.PaymentIntentService (UpdateQuote, GetQuote,
// CreatePaymentIntent, ConfirmFundsReceived) over Connect, gRPC, gRPC-Web and
// HTTP-JSON, the provider registry, the durable beneficiary notifications and
// the settlement netting batches. Storage is database/sql on SQLite or
// PostgreSQL (Migrate). See docs/tzero.md.
package tzero

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/validate"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent/payment_intentconnect"
	"github.com/connectorhost/connector-host/platform/tzero/sigauth"
)

// Service is the network's payment-intent service. Create it with New, mount
// Handler (and AdminHandler behind operator auth), and run Run for the
// notification and settlement workers.
type Service struct {
	db      *sql.DB
	dialect string
	key     *secp256k1.PrivateKey
	log     *slog.Logger
	now     func() time.Time
	base    http.RoundTripper
	grpc    bool // call providers over gRPC instead of the Connect protocol

	detailsTimeout time.Duration
	notifyTimeout  time.Duration
	retryMin       time.Duration
	retryMax       time.Duration
	pollEvery      time.Duration
	settleEvery    time.Duration
	sigWindow      time.Duration

	wake chan struct{}
	// onDelivered, when set (tests), is called after a notification is
	// marked delivered.
	onDelivered func(intentID uint64)
}

// Option configures New.
type Option func(*Service)

// WithSigningKey is the network's secp256k1 key; every call the network makes
// to a provider is signed with it. Required.
func WithSigningKey(k *secp256k1.PrivateKey) Option { return func(s *Service) { s.key = k } }

// WithLogger sets the logger (slog.Default when unset).
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithClock sets the clock used for quote expiry, signatures and the
// workers (time.Now when unset).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithTransport sets the base transport for calls to providers (under the
// signing transport; http.DefaultTransport when unset).
func WithTransport(rt http.RoundTripper) Option { return func(s *Service) { s.base = rt } }

// Protocols the network can use to call providers (WithProviderProtocol).
const (
	ProtocolConnect = "connect"
	ProtocolGRPC    = "grpc"
)

// WithProviderProtocol chooses how the network calls providers:
// ProtocolConnect (default; binary protobuf over HTTP/1.1 or HTTP/2) or
// ProtocolGRPC (HTTP/2, cleartext for http:// base URLs), for providers whose
// SDK serves gRPC only. Over gRPC the signature covers the framed body, as
// the protocol's SDKs expect. Unknown values keep the default.
func WithProviderProtocol(p string) Option {
	return func(s *Service) { s.grpc = p == ProtocolGRPC }
}

// WithProviderTimeout bounds each GetPaymentDetails and PaymentIntentUpdate
// call to a provider (default 10 s).
func WithProviderTimeout(d time.Duration) Option {
	return func(s *Service) { s.detailsTimeout, s.notifyTimeout = d, d }
}

// WithRetryBackoff sets the beneficiary notification retry backoff: the
// first retry after min, doubling up to max (defaults 1 s and 10 min).
func WithRetryBackoff(min, max time.Duration) Option {
	return func(s *Service) { s.retryMin, s.retryMax = min, max }
}

// WithPollInterval is how often the notification worker looks for due
// deliveries when nothing wakes it (default 1 s).
func WithPollInterval(d time.Duration) Option { return func(s *Service) { s.pollEvery = d } }

// WithSettlementInterval is how often Run builds a settlement batch
// (default 24 h; zero or negative disables the periodic run).
func WithSettlementInterval(d time.Duration) Option { return func(s *Service) { s.settleEvery = d } }

// WithSignatureWindow is the accepted clock skew of inbound signatures
// (default ±60 s, the protocol's).
func WithSignatureWindow(d time.Duration) Option { return func(s *Service) { s.sigWindow = d } }

// New returns the service over db (already migrated with Migrate).
func New(ctx context.Context, db *sql.DB, dialect string, opts ...Option) (*Service, error) {
	if dialect != DialectSQLite && dialect != DialectPostgres {
		return nil, fmt.Errorf("tzero: unknown dialect %q", dialect)
	}
	s := &Service{
		db: db, dialect: dialect, log: slog.Default(), now: time.Now,
		detailsTimeout: 10 * time.Second, notifyTimeout: 10 * time.Second,
		retryMin: time.Second, retryMax: 10 * time.Minute, pollEvery: time.Second,
		settleEvery: 24 * time.Hour, sigWindow: sigauth.DefaultWindow,
		wake: make(chan struct{}, 1),
	}
	for _, o := range opts {
		o(s)
	}
	if s.key == nil {
		return nil, errors.New("tzero: WithSigningKey is required (the network signs its calls to providers)")
	}
	if s.base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		if s.grpc {
			t.Protocols = new(http.Protocols)
			t.Protocols.SetHTTP2(true)
			t.Protocols.SetUnencryptedHTTP2(true)
		}
		s.base = t
	}
	if err := db.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("tzero: database: %w", err)
	}
	return s, nil
}

// PublicKey is the network's public key in the form providers configure
// (0x-prefixed uncompressed hex) to verify the network's calls.
func (s *Service) PublicKey() string { return sigauth.FormatPublicKey(s.key.PubKey()) }

// Handler returns the path prefix and handler of PaymentIntentService. Every
// request must be signed by a registered provider; protovalidate rules of the
// protos are enforced before the service sees a request.
func (s *Service) Handler() (string, http.Handler) {
	path, h := payment_intentconnect.NewPaymentIntentServiceHandler(&rpc{s: s},
		connect.WithInterceptors(validate.NewInterceptor()), connect.WithCodec(strictJSON{}))
	v := &sigauth.Verifier{Resolve: s.resolveKey, Now: s.now, Window: s.sigWindow}
	return path, v.Middleware(h)
}

// Mount registers Handler on mux.
func (s *Service) Mount(mux *http.ServeMux) {
	path, h := s.Handler()
	mux.Handle(path, h)
}

// Run runs the beneficiary notification worker and the periodic settlement
// until ctx is done. Several instances may run against one database.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.runOutbox(ctx) }()
	if s.settleEvery > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(s.settleEvery)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if _, err := s.RunSettlement(ctx, s.now()); err != nil {
						s.log.Error("tzero: settlement run failed", "err", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// signingClient is the HTTP client for calls to providers.
func (s *Service) signingClient() *http.Client {
	return &http.Client{Transport: &sigauth.Transport{Key: s.key, Base: s.base, Now: s.now}}
}

// clientOptions are the connect options for calls to providers.
func (s *Service) clientOptions() []connect.ClientOption {
	if s.grpc {
		return []connect.ClientOption{connect.WithGRPC()}
	}
	return nil
}

func (s *Service) nowMs() int64 { return s.now().UnixMilli() }

// callerFrom returns the verified provider of the request.
func callerFrom(ctx context.Context) (*Provider, error) {
	p, ok := sigauth.Principal(ctx).(*Provider)
	if !ok || p == nil {
		return nil, connect.NewError(connect.CodeUnauthenticated, errors.New("request is not signed by a registered provider"))
	}
	return p, nil
}

// internal wraps a storage or other unexpected error as a Connect internal
// error without leaking details to the caller; the details go to the log.
func (s *Service) internal(ctx context.Context, op string, err error) error {
	s.log.ErrorContext(ctx, "tzero: "+op, "err", err)
	return connect.NewError(connect.CodeInternal, fmt.Errorf("%s failed", op))
}
