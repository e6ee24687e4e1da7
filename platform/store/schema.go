package store

// migrations is the platform's schema. Timestamps are unix milliseconds;
// 0 means "not set" (deleted_at, revoked_at). Ids are time-ordered text, so
// "ORDER BY id" is creation order and cursor pagination is stable.
var migrations = []Migration{{
	Version: 1, Name: "core",
	SQL: `
CREATE TABLE api_keys (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	name TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	scopes TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

CREATE TABLE idempotency_keys (
	tenant_id TEXT NOT NULL,
	idem_key TEXT NOT NULL,
	method TEXT NOT NULL,
	path TEXT NOT NULL,
	body_hash TEXT NOT NULL,
	state TEXT NOT NULL,
	response_status INTEGER NOT NULL DEFAULT 0,
	response_headers TEXT NOT NULL DEFAULT '',
	response_body TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	locked_until BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, idem_key)
);

CREATE TABLE connectors (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	name TEXT NOT NULL,
	plugin TEXT NOT NULL,
	host_url TEXT NOT NULL DEFAULT '',
	credentials TEXT NOT NULL,
	enabled INTEGER NOT NULL,
	version BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	deleted_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX connectors_tenant ON connectors (tenant_id, id);

CREATE TABLE routing_rules (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	priority INTEGER NOT NULL,
	connector_id TEXT NOT NULL,
	currency TEXT NOT NULL DEFAULT '',
	country TEXT NOT NULL DEFAULT '',
	card_brand TEXT NOT NULL DEFAULT '',
	method_type TEXT NOT NULL DEFAULT '',
	min_amount BIGINT NOT NULL DEFAULT 0,
	max_amount BIGINT NOT NULL DEFAULT 0,
	version BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX routing_rules_tenant ON routing_rules (tenant_id, priority, id);

CREATE TABLE payment_methods (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	customer_id TEXT NOT NULL DEFAULT '',
	connector_id TEXT NOT NULL DEFAULT '',
	type TEXT NOT NULL,
	token TEXT NOT NULL,
	brand TEXT NOT NULL DEFAULT '',
	last4 TEXT NOT NULL DEFAULT '',
	exp_month INTEGER NOT NULL DEFAULT 0,
	exp_year INTEGER NOT NULL DEFAULT 0,
	metadata TEXT NOT NULL DEFAULT '{}',
	version BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	deleted_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX payment_methods_customer ON payment_methods (tenant_id, customer_id, id);

CREATE TABLE audit_log (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object_id TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE intents (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	status TEXT NOT NULL,
	amount BIGINT NOT NULL,
	currency TEXT NOT NULL,
	capture_method TEXT NOT NULL,
	customer_id TEXT NOT NULL DEFAULT '',
	payment_method_id TEXT NOT NULL DEFAULT '',
	country TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	metadata TEXT NOT NULL DEFAULT '{}',
	connector_id TEXT NOT NULL DEFAULT '',
	connector_transaction_id TEXT NOT NULL DEFAULT '',
	amount_capturable BIGINT NOT NULL DEFAULT 0,
	amount_captured BIGINT NOT NULL DEFAULT 0,
	amount_refunded BIGINT NOT NULL DEFAULT 0,
	attempt INTEGER NOT NULL DEFAULT 0,
	locked_until BIGINT NOT NULL DEFAULT 0,
	next_action TEXT NOT NULL DEFAULT '',
	last_error TEXT NOT NULL DEFAULT '',
	version BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX intents_tenant ON intents (tenant_id, id);
CREATE INDEX intents_connector_tx ON intents (connector_transaction_id);

CREATE TABLE intent_attempts (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	intent_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	attempt INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	connector_id TEXT NOT NULL,
	idempotency_key TEXT NOT NULL,
	status TEXT NOT NULL,
	amount BIGINT NOT NULL DEFAULT 0,
	connector_transaction_id TEXT NOT NULL DEFAULT '',
	error_code TEXT NOT NULL DEFAULT '',
	error_message TEXT NOT NULL DEFAULT '',
	retryable INTEGER NOT NULL DEFAULT 0,
	network_response_code TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX intent_attempts_intent ON intent_attempts (intent_id, id);

CREATE TABLE refunds (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	intent_id TEXT NOT NULL,
	amount BIGINT NOT NULL,
	currency TEXT NOT NULL,
	status TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	connector_refund_id TEXT NOT NULL DEFAULT '',
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX refunds_intent ON refunds (intent_id, id);
CREATE INDEX refunds_connector ON refunds (connector_refund_id);

CREATE TABLE inbound_events (
	connector_id TEXT NOT NULL,
	event_id TEXT NOT NULL,
	event_type TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	PRIMARY KEY (connector_id, event_id)
);

CREATE TABLE webhook_endpoints (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	url TEXT NOT NULL,
	secret TEXT NOT NULL,
	events TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	deleted_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, id);

CREATE TABLE events (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	type TEXT NOT NULL,
	object_id TEXT NOT NULL,
	payload TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	endpoint_id TEXT NOT NULL,
	event_id TEXT NOT NULL,
	event_type TEXT NOT NULL,
	status TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	locked_until BIGINT NOT NULL DEFAULT 0,
	last_status_code INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_delivery_attempts (
	id TEXT PRIMARY KEY,
	delivery_id TEXT NOT NULL,
	attempt INTEGER NOT NULL,
	status_code INTEGER NOT NULL,
	error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX webhook_delivery_attempts_delivery ON webhook_delivery_attempts (delivery_id, id)
`}}

func init() {
	migrations = append(migrations, Migration{Version: 2, Name: "disputes", SQL: `
CREATE TABLE disputes (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	intent_id TEXT NOT NULL DEFAULT '',
	connector_id TEXT NOT NULL DEFAULT '',
	connector_dispute_id TEXT NOT NULL DEFAULT '',
	connector_transaction_id TEXT NOT NULL DEFAULT '',
	amount BIGINT NOT NULL,
	currency TEXT NOT NULL,
	status TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	evidence_due_by BIGINT NOT NULL DEFAULT 0,
	version BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX disputes_tenant ON disputes (tenant_id, id);
CREATE INDEX disputes_connector ON disputes (connector_id, connector_dispute_id);

CREATE TABLE dispute_history (
	id TEXT PRIMARY KEY,
	dispute_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	data TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX dispute_history_dispute ON dispute_history (dispute_id, kind, id)
`})
}

func init() {
	migrations = append(migrations, Migration{Version: 3, Name: "intent connector state", SQL: `
ALTER TABLE intents ADD COLUMN connector_state TEXT NOT NULL DEFAULT ''
`})
}

func init() {
	migrations = append(migrations, Migration{Version: 4, Name: "attempt card checks", SQL: `
ALTER TABLE intent_attempts ADD COLUMN card_checks TEXT NOT NULL DEFAULT ''
`})
}

// An intent whose last authorization try got no definite answer (a timeout,
// a broken connection: the processor may have charged) stays processing,
// bound to that try: connector_id and unresolved_seq name it (with attempt,
// the idempotency key <intent>_<attempt>_<seq>), so a confirm again resends
// exactly that request to that connector. -1: no try is unresolved.
// confirm_return_url is the return URL that try was sent with.
func init() {
	migrations = append(migrations, Migration{Version: 5, Name: "unresolved authorization try", SQL: `
ALTER TABLE intents ADD COLUMN unresolved_seq INTEGER NOT NULL DEFAULT -1;
ALTER TABLE intents ADD COLUMN confirm_return_url TEXT NOT NULL DEFAULT ''
`})
}

// The background resolver resends every try without a definite answer
// (same request, same idempotency key, same connector) until it gets one.
// intents: resolve_tries counts the sends of the unresolved authorization try
// that got no answer; next_resolve_at is when it may be resent next (the
// backoff), on the resolver's clock. refunds: unresolved = 1 while the
// refund's send has no definite answer (set when it is created, so a crash
// mid-send leaves it to be resent once its claim, locked_until, expires);
// resolve_tries and next_resolve_at as for intents. A pending refund that
// already got no definite answer is marked unresolved.
func init() {
	migrations = append(migrations, Migration{Version: 6, Name: "resolve unknown outcomes", SQL: `
ALTER TABLE intents ADD COLUMN resolve_tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE intents ADD COLUMN next_resolve_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX intents_unresolved ON intents (next_resolve_at) WHERE unresolved_seq >= 0;
ALTER TABLE refunds ADD COLUMN unresolved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN resolve_tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN next_resolve_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;
CREATE INDEX refunds_unresolved ON refunds (next_resolve_at) WHERE unresolved = 1;
UPDATE refunds SET unresolved = 1, resolve_tries = 1 WHERE status = 'pending' AND connector_refund_id = '' AND last_error LIKE '%"code":"outcome_unknown"%'
`})
}

// A resend of a call without a definite answer is safe only while the
// processor still remembers its idempotency key (the connector manifest's
// idempotency_window_seconds). unresolved_since is when the unresolved
// authorization try (intents) or refund was first sent, in unix
// milliseconds on the resolver's clock, kept across resends; resend_stopped
// = 1 once the window has passed (or the processor does not deduplicate):
// the call is never resent again and waits for reconciliation (the
// processor's webhook). Calls already unresolved take the earliest record
// of their send: the try's first recorded attempt (else the intent's
// creation), the refund's creation.
func init() {
	migrations = append(migrations, Migration{Version: 7, Name: "idempotency window", SQL: `
ALTER TABLE intents ADD COLUMN unresolved_since BIGINT NOT NULL DEFAULT 0;
ALTER TABLE intents ADD COLUMN resend_stopped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN unresolved_since BIGINT NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN resend_stopped INTEGER NOT NULL DEFAULT 0;
UPDATE intents SET unresolved_since = COALESCE((SELECT MIN(a.created_at) FROM intent_attempts a WHERE a.intent_id = intents.id AND a.kind = 'authorize'
	AND a.attempt = intents.attempt AND a.seq = intents.unresolved_seq), intents.created_at) WHERE unresolved_seq >= 0;
UPDATE refunds SET unresolved_since = created_at WHERE unresolved = 1
`})
}
