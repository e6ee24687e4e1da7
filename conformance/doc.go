// Package conformance is the suite every connector plugin must pass before
// the host loads it in production, and the tool a contributor runs before
// shipping a .wasm. It needs no credentials and no network: it loads the
// plugin into the real runtime (host/sandbox, every limit on), drives its
// transforms with the plugin's fixtures (conformance/FIXTURES.md) and with
// cases it derives from them, and reports one result per check and flow.
//
// Entry points:
//
//   - Run loads a .wasm and runs every check; RunPlugin runs them on a plugin
//     already loaded; RunConnector runs them natively on a *pdk.Connector
//     (fast, debuggable, no limits).
//   - Gate adapts the suite to host/registry.Gate (--require-conformance).
//   - Main is the "connector-host conformance PATH.wasm" command.
//   - NewMatrix and Matrix.Markdown build docs/connectors.md
//     (go run ./conformance/cmd/matrix); the Matrix struct is what the host's
//     ConnectorService can serve.
//   - Harness runs single inputs, for Go fuzz targets.
//
// The checks, by ID (CONTRIBUTING.md says how to fix each):
//
//	plugin.load               the runtime accepts the module (imports, exports, ABI, manifest)
//	manifest.valid            host/manifest.Validate passes
//	manifest.abi_version      the plugin speaks this host's ABI
//	manifest.egress           base URLs are https and inside egress_hosts
//	manifest.credentials      credential fields declared and secrets marked; no build needs an undeclared one
//	manifest.flows            each declared flow builds without ERROR_KIND_UNSUPPORTED
//	manifest.payment_methods  each declared payment method builds in Authorize without UNSUPPORTED
//	fixtures.valid            fixture files decode and test declared flows
//	fixtures.coverage         every declared flow (and webhooks, when supported) has a fixture
//	request.expected          built requests match expect_request (method, url, path, headers, body)
//	request.host              requests go to the base URL's host or an egress host, over https
//	request.idempotency       mutating flows send the idempotency header (marked idempotent, so retried, only where honoured)
//	request.secrets           no secret outside secret headers (card data only in card flows' bodies)
//	response.expected         parsed answers match expect_response / expect_error_kind
//	response.secrets          parsed responses and errors carry no secret
//	robustness.http_errors    400/401/402/404/409/429/500/503 answers never parse into a success
//	robustness.malformed      empty, HTML, truncated, huge and deeply nested answers give typed errors
//	robustness.unknown_status an unknown processor status falls back, never to a success
//	money.roundtrip           zero-, two- and three-decimal amounts are sent and parsed back exactly
//	webhook.sample            webhook fixtures verify into the expected events
//	webhook.tampered          flipped body bytes, corrupted or missing signatures and a wrong secret are refused
//	webhook.stale             timestamped schemes refuse a sample older than the tolerance
//	determinism               repeated calls and a second instance give byte-identical output
//	fuzz.parse_response       mutated answers never trap
//	fuzz.verify_webhook       mutated webhooks never trap
//	limits                    no call runs out of time or memory
//
// "Success" (for the robustness checks) is, per status enum: payments
// AUTHORIZED, PARTIALLY_AUTHORIZED, CHARGED, PARTIALLY_CAPTURED, VOIDED and
// REVERSED (and STARTED for CreateOrder); refunds SUCCEEDED; disputes
// UNDER_REVIEW, WON, ACCEPTED and WARNING_CLOSED; mandates ACTIVE, INACTIVE
// and REVOKED; authentications SUCCEEDED. A status field left UNSPECIFIED
// counts as success too (it is not a defined fallback), and a response
// without a status (customers, tokens, sessions) is a success unless its
// error field is set. Typed errors and next steps are never successes.
package conformance
