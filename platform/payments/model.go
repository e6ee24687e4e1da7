// Package payments is the platform's domain: payment intents and their
// lifecycle, saved payment methods, refunds, connectors (credentials
// encrypted at rest) and routing between them with fallback. Every state
// change that moves money is a conditional UPDATE inside a transaction, so
// concurrent requests resolve with exactly one winner; the others get a
// Conflict. Processor calls never run inside a transaction.
package payments

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/connectorhost/connector-host/platform/connectors"
	"github.com/connectorhost/connector-host/platform/secrets"
	"github.com/connectorhost/connector-host/platform/store"
)

// Intent statuses.
const (
	StatusRequiresPaymentMethod = "requires_payment_method"
	StatusRequiresConfirmation  = "requires_confirmation"
	StatusRequiresAction        = "requires_action"
	StatusProcessing            = "processing"
	StatusRequiresCapture       = "requires_capture"
	StatusSucceeded             = "succeeded"
	StatusCanceled              = "canceled"
	StatusFailed                = "failed"
)

// rank orders statuses for late and out-of-order webhooks: an event only
// moves an intent forward.
var rank = map[string]int{
	StatusRequiresPaymentMethod: 0, StatusRequiresConfirmation: 1, StatusRequiresAction: 2, StatusProcessing: 3,
	StatusRequiresCapture: 4, StatusSucceeded: 5, StatusCanceled: 5, StatusFailed: 5,
}

// Intent is a payment intent.
type Intent struct {
	ID                     string            `json:"id"`
	Object                 string            `json:"object"`
	Status                 string            `json:"status"`
	Amount                 int64             `json:"amount"`
	Currency               string            `json:"currency"`
	CaptureMethod          string            `json:"capture_method"`
	CustomerID             string            `json:"customer_id"`
	PaymentMethodID        string            `json:"payment_method_id"`
	Country                string            `json:"country"`
	Description            string            `json:"description"`
	Metadata               map[string]string `json:"metadata"`
	ConnectorID            string            `json:"connector_id"`
	ConnectorTransactionID string            `json:"connector_transaction_id"`
	AmountCapturable       int64             `json:"amount_capturable"`
	AmountReceived         int64             `json:"amount_received"`
	AmountRefunded         int64             `json:"amount_refunded"`
	NextAction             json.RawMessage   `json:"next_action"`
	LastError              *LastError        `json:"last_error"`
	Version                int64             `json:"version"`
	Created                int64             `json:"created"`
	Updated                int64             `json:"updated"`
	attempt                int
	tenant                 string
	// unresolvedSeq is the position of the authorization try of attempt
	// (at ConnectorID) still without a definite answer; -1 when none.
	unresolvedSeq int
	// returnURL is the return URL the unresolved try was sent with.
	returnURL string
	// resolveTries counts the sends of the unresolved try that got no
	// definite answer (the resolver's backoff).
	resolveTries int
	// unresolvedSince is when the unresolved try was first sent (unix ms,
	// the resolver's clock); resendStopped says it is never resent again
	// (past the processor's idempotency window).
	unresolvedSince int64
	resendStopped   bool
}

// LastError is the last failure on an intent or refund.
type LastError struct {
	Code        string `json:"code"`
	Message     string `json:"message"`
	DeclineCode string `json:"decline_code,omitempty"`
	ConnectorID string `json:"connector_id,omitempty"`
}

// Attempt is one call to a connector on behalf of an intent.
type Attempt struct {
	ID                     string `json:"id"`
	Object                 string `json:"object"`
	IntentID               string `json:"intent_id"`
	Kind                   string `json:"kind"`
	Attempt                int    `json:"attempt"`
	Seq                    int    `json:"seq"`
	ConnectorID            string `json:"connector_id"`
	IdempotencyKey         string `json:"idempotency_key"`
	Status                 string `json:"status"`
	Amount                 int64  `json:"amount"`
	ConnectorTransactionID string `json:"connector_transaction_id"`
	ErrorCode              string `json:"error_code"`
	ErrorMessage           string `json:"error_message"`
	Retryable              bool   `json:"retryable"`
	NetworkResponseCode    string `json:"network_response_code"`
	Created                int64  `json:"created"`
	// CardChecks are the authorization's AVS, CVC and 3DS results (stored,
	// shown on the charge).
	CardChecks *CardChecks `json:"-"`
}

// Refund is a refund of a captured intent.
type Refund struct {
	ID                string     `json:"id"`
	Object            string     `json:"object"`
	IntentID          string     `json:"intent_id"`
	Amount            int64      `json:"amount"`
	Currency          string     `json:"currency"`
	Status            string     `json:"status"`
	Reason            string     `json:"reason"`
	ConnectorRefundID string     `json:"connector_refund_id"`
	LastError         *LastError `json:"last_error"`
	Created           int64      `json:"created"`
	Updated           int64      `json:"updated"`
	// unresolved: the refund's send has no definite answer yet (it is
	// resent); resolveTries counts the sends that got none.
	unresolved   bool
	resolveTries int
	// unresolvedSince is when the refund was first sent (unix ms, the
	// resolver's clock); resendStopped says it is never resent again.
	unresolvedSince int64
	resendStopped   bool
}

// Connector is a configured processor account. Credentials are write-only.
type Connector struct {
	ID       string   `json:"id"`
	Object   string   `json:"object"`
	Name     string   `json:"name"`
	Plugin   string   `json:"plugin"`
	HostURL  string   `json:"host_url"`
	Enabled  bool     `json:"enabled"`
	CredKeys []string `json:"credential_fields"`
	Version  int64    `json:"version"`
	Created  int64    `json:"created"`
	Updated  int64    `json:"updated"`
	creds    map[string]string
}

// Rule routes matching payments to a connector; lower priority first.
type Rule struct {
	ID          string `json:"id"`
	Object      string `json:"object"`
	Priority    int    `json:"priority"`
	ConnectorID string `json:"connector_id"`
	Currency    string `json:"currency"`
	Country     string `json:"country"`
	CardBrand   string `json:"card_brand"`
	MethodType  string `json:"payment_method_type"`
	MinAmount   int64  `json:"min_amount"`
	MaxAmount   int64  `json:"max_amount"`
	Version     int64  `json:"version"`
	Created     int64  `json:"created"`
}

// Method is a saved payment method: a token at a connector (or a client
// token) with display data only. Card numbers are never stored.
type Method struct {
	ID          string            `json:"id"`
	Object      string            `json:"object"`
	CustomerID  string            `json:"customer_id"`
	ConnectorID string            `json:"connector_id"`
	Type        string            `json:"type"`
	Token       string            `json:"token"`
	Brand       string            `json:"brand"`
	Last4       string            `json:"last4"`
	ExpMonth    int               `json:"exp_month"`
	ExpYear     int               `json:"exp_year"`
	Metadata    map[string]string `json:"metadata"`
	Version     int64             `json:"version"`
	Created     int64             `json:"created"`
}

// Options build a Service.
type Options struct {
	DB      *store.DB
	Ring    *secrets.Ring
	Gateway *connectors.Gateway
	// OnEvent is called after a transaction that queued webhook events commits.
	OnEvent func()
	// Lease is how long a claimed intent stays "processing" before a
	// retried confirm may re-drive the same attempt (default 2m).
	Lease time.Duration
	// Resolve tunes the resolution of tries without a definite answer.
	Resolve ResolveOptions
	Logger  *slog.Logger
}

// Service runs the domain.
type Service struct {
	db   *store.DB
	ring *secrets.Ring
	gw   *connectors.Gateway
	opts Options
	log  *slog.Logger
	// windows caches the connectors' idempotency windows.
	windows *windows
}

// New returns the service.
func New(opts Options) *Service {
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.OnEvent == nil {
		opts.OnEvent = func() {}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.Resolve = opts.Resolve.withDefaults()
	return &Service{db: opts.DB, ring: opts.Ring, gw: opts.Gateway, opts: opts, log: opts.Logger, windows: &windows{m: map[[2]string]windowEntry{}}}
}

// DB is the service's database.
func (s *Service) DB() *store.DB { return s.db }
