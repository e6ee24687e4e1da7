package conformance

import (
	"log/slog"
	"time"

	"github.com/connectorhost/connector-host/host/sandbox"
)

// Default bounds of the suite's generated cases.
const (
	// DefaultFuzzIterations is how many mutated inputs the built-in fuzz check
	// runs in total (parse_response and verify_webhook together).
	DefaultFuzzIterations = 400
	// DefaultWebhookFlips is how many body positions per webhook fixture the
	// tamper check flips.
	DefaultWebhookFlips = 16
	// DefaultRepeats is how many times the determinism check repeats each call
	// on one instance (plus once on a second instance).
	DefaultRepeats = 4
	// DefaultSeed seeds the fuzz mutations, so a report is reproducible.
	DefaultSeed = 20260102
)

// Options configure a conformance run. The zero value is usable.
type Options struct {
	// FixturesDir holds the plugin's *.json fixtures (see conformance/FIXTURES.md).
	FixturesDir string
	// FixturesRoot is used when FixturesDir is empty: fixtures are then read
	// from FixturesRoot/<name>/fixtures (e.g. "plugins"). The Gate uses it.
	FixturesRoot string
	// Limits are the runtime limits the plugin runs under; zero fields take
	// the runtime's defaults (the host's production limits). Run always uses a
	// pool of one instance per loaded copy.
	Limits sandbox.Limits
	// Engine, when set, loads the plugin (its limits apply instead of Limits).
	// Reusing one engine across runs avoids compiling a module twice.
	Engine *sandbox.Engine
	// CacheDir keeps compiled code on disk between runs (only without Engine).
	CacheDir string
	// FuzzIterations bounds the built-in fuzz check (DefaultFuzzIterations
	// when 0; negative disables it).
	FuzzIterations int
	// WebhookFlips bounds the flipped body positions per webhook fixture
	// (DefaultWebhookFlips when 0).
	WebhookFlips int
	// Repeats is the number of repeated calls of the determinism check
	// (DefaultRepeats when 0).
	Repeats int
	// Seed seeds generated cases (DefaultSeed when 0).
	Seed uint64
	// Now is the clock the suite gives plugins when a fixture sets none
	// (default 2026-01-02T03:04:05Z). It is fixed so runs are reproducible.
	Now time.Time
	// Logger receives progress at debug level and a summary at info level.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.FuzzIterations == 0 {
		o.FuzzIterations = DefaultFuzzIterations
	}
	if o.FuzzIterations < 0 {
		o.FuzzIterations = 0
	}
	if o.WebhookFlips <= 0 {
		o.WebhookFlips = DefaultWebhookFlips
	}
	if o.Repeats <= 0 {
		o.Repeats = DefaultRepeats
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Now.IsZero() {
		o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
