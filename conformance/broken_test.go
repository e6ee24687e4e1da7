package conformance_test

import (
	"context"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// TestGoodPluginPassesEverything: the reference plugin passes every check
// inside the runtime, and no check was skipped (so none passed vacuously).
func TestGoodPluginPassesEverything(t *testing.T) {
	r := runWasm(t, testPlugin(t, "good", "good"), "good", conformance.Options{FixturesDir: testFixtures})
	if !r.Passed() {
		t.Fatalf("the good plugin fails:\n%s", reportText(r))
	}
	ids := map[string]bool{}
	for _, c := range r.Checks {
		if c.Skipped {
			t.Errorf("%s [%s] skipped: %s", c.ID, c.Subject(), c.Message)
		}
		ids[c.ID] = true
	}
	for _, id := range []string{
		"plugin.load", "manifest.valid", "manifest.abi_version", "manifest.egress", "manifest.credentials", "manifest.flows", "manifest.payment_methods",
		"fixtures.valid", "fixtures.coverage", "request.expected", "request.host", "request.idempotency", "request.secrets",
		"response.expected", "response.secrets", "robustness.http_errors", "robustness.malformed", "robustness.unknown_status",
		"money.roundtrip", "webhook.sample", "webhook.tampered", "webhook.stale", "webhook.parse", "determinism", "fuzz.parse_response",
		"fuzz.verify_webhook", "limits",
	} {
		if !ids[id] {
			t.Errorf("check %s did not run", id)
		}
	}
	if r.SHA256 == "" || r.Version != "1.0.0" || r.Manifest.GetName() != "good" {
		t.Errorf("report header = %q %q %q", r.Plugin, r.Version, r.SHA256)
	}
}

// TestBrokenPluginsFailTheirCheck: each deliberately broken plugin fails
// exactly the check meant to catch it, with an actionable message.
func TestBrokenPluginsFailTheirCheck(t *testing.T) {
	for _, tc := range []struct {
		name, check string
		// message and details must mention these.
		message, details []string
	}{
		{"wrong_status", "response.expected",
			[]string{"authorize_card_manual_requires_capture.json", "status: want PAYMENT_STATUS_AUTHORIZED, got PAYMENT_STATUS_CHARGED", "expect_response"}, nil},
		{"secret_in_url", "request.secrets",
			[]string{"credential api_key appears in the URL", "pdk.Request.SecretHeader"}, nil},
		{"trap_on_html", "robustness.malformed",
			[]string{"HTML page", "trapped", "pdk.InvalidResponse"}, nil},
		{"undeclared_host", "request.host",
			[]string{"host refunds.testpay-eu.example is neither the base URL's host nor in egress_hosts", "add the host there"}, nil},
		{"tampered_webhook", "webhook.tampered",
			[]string{"accepted", "constant time"}, []string{"signature header corrupted", "wrong webhook secret", "flipped"}},
		{"nondeterministic", "determinism",
			[]string{"differs from the first call", "never range over a Go map"}, nil},
		{"memory_hog", "limits",
			[]string{"huge body", "ran out of memory (limit 32 MiB)", "unbounded buffers"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runWasm(t, testPlugin(t, "broken/"+tc.name, tc.name), tc.name, conformance.Options{FixturesDir: testFixtures})
			requireFailedExactly(t, r, tc.check)
			c := failure(t, r, tc.check)
			requireContains(t, c.Message, tc.message...)
			requireContains(t, strings.Join(c.Details, "\n"), tc.details...)
		})
	}
}

// TestLoadFailures: a plugin the runtime refuses fails the load check (and
// the manifest check the refusal is about), and nothing else runs.
func TestLoadFailures(t *testing.T) {
	ctx := context.Background()
	opts := conformance.Options{FixturesDir: testFixtures, Engine: testEngine(t)}

	r, err := conformance.Run(ctx, []byte("not wasm"), "junk", opts)
	if err != nil {
		t.Fatal(err)
	}
	requireFailedExactly(t, r, "plugin.load")
	requireContains(t, failure(t, r, "plugin.load").Message, "not a valid WebAssembly module")

	wasm := wasmbuild.Read(t, "./host/sandbox/testdata/rawabi", "rawabi", "-X main.abiVersion=2")
	r, err = conformance.Run(ctx, wasm, "rawabi", opts)
	if err != nil {
		t.Fatal(err)
	}
	requireFailedExactly(t, r, "plugin.load", "manifest.abi_version")
	requireContains(t, failure(t, r, "manifest.abi_version").Message, "speaks plugin ABI v2", "rebuild the plugin")

	// The name must match the manifest: the runtime's manifest validation, reported under manifest.valid.
	r, err = conformance.Run(ctx, testPlugin(t, "good", "good"), "other_name", opts)
	if err != nil {
		t.Fatal(err)
	}
	requireFailedExactly(t, r, "plugin.load", "manifest.valid")
	requireContains(t, failure(t, r, "manifest.valid").Message, `must equal the file's base name "other_name"`)
	if r.Passed() {
		t.Fatal("a plugin that does not load passed")
	}
}
