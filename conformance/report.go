package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Category groups checks in reports.
type Category string

// Check categories, in the order the suite runs them.
const (
	CategoryManifest    Category = "manifest"
	CategoryFixtures    Category = "fixtures"
	CategoryRequest     Category = "request"
	CategoryResponse    Category = "response"
	CategoryRobustness  Category = "robustness"
	CategoryMoney       Category = "money"
	CategoryWebhooks    Category = "webhooks"
	CategoryDeterminism Category = "determinism"
	CategoryFuzz        Category = "fuzz"
	CategoryLimits      Category = "limits"
)

// CheckResult is the outcome of one check, for one flow (or payment method)
// when the check is per flow.
type CheckResult struct {
	// ID names the check, e.g. "request.secrets" (see CONTRIBUTING.md for the list).
	ID       string   `json:"id"`
	Category Category `json:"category"`
	// Flow is the flow's enum name (FLOW_AUTHORIZE) for per-flow checks.
	Flow string `json:"flow,omitempty"`
	// PaymentMethod is the payment method's enum name for per-method checks.
	PaymentMethod string `json:"payment_method,omitempty"`
	// Webhooks is set on results about webhooks rather than a flow.
	Webhooks bool `json:"webhooks,omitempty"`
	Passed   bool `json:"passed"`
	// Skipped is set when the check could not apply (it then counts as passed).
	Skipped bool `json:"skipped,omitempty"`
	// Message says what is wrong and how to fix it (or what passed).
	Message string `json:"message"`
	// Details lists every individual problem (fixture, case, value).
	Details []string `json:"details,omitempty"`
}

// Subject is the flow, payment method or "-" the check is about, for tables.
func (c CheckResult) Subject() string {
	switch {
	case c.PaymentMethod != "":
		return strings.TrimPrefix(c.PaymentMethod, "PAYMENT_METHOD_TYPE_")
	case c.Flow != "":
		return flowLabel(c.Flow)
	case c.Webhooks:
		return "webhooks"
	}
	return "-"
}

// Report is the conformance suite's result for one plugin.
type Report struct {
	Plugin     string `json:"plugin"`
	Version    string `json:"version"`
	SHA256     string `json:"sha256,omitempty"`
	AbiVersion uint32 `json:"abi_version,omitempty"`
	// Checks are in the order they ran.
	Checks []CheckResult `json:"checks"`
	// Manifest is the plugin's manifest (nil when it could not be read).
	Manifest *v1.Manifest `json:"-"`
}

// Passed reports whether every check passed (skipped checks count as passed).
// A report without checks has not passed.
func (r *Report) Passed() bool {
	if r == nil || len(r.Checks) == 0 {
		return false
	}
	for _, c := range r.Checks {
		if !c.Passed {
			return false
		}
	}
	return true
}

// Failed returns the checks that failed.
func (r *Report) Failed() []CheckResult {
	var out []CheckResult
	for _, c := range r.Checks {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// FailedIDs returns the distinct IDs of failed checks, sorted.
func (r *Report) FailedIDs() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range r.Failed() {
		if !seen[c.ID] {
			seen[c.ID] = true
			out = append(out, c.ID)
		}
	}
	sort.Strings(out)
	return out
}

// Check returns the results with id (all flows), in order.
func (r *Report) Check(id string) []CheckResult {
	var out []CheckResult
	for _, c := range r.Checks {
		if c.ID == id {
			out = append(out, c)
		}
	}
	return out
}

// add appends a result.
func (r *Report) add(c CheckResult) { r.Checks = append(r.Checks, c) }

// Summary is a one-line summary: "stripe 1.0.0: 120 checks, 3 failed".
func (r *Report) Summary() string {
	failed := len(r.Failed())
	skipped := 0
	for _, c := range r.Checks {
		if c.Skipped {
			skipped++
		}
	}
	verdict := "PASSED"
	if !r.Passed() {
		verdict = "FAILED"
	}
	return fmt.Sprintf("%s %s: %s (%d checks, %d failed, %d skipped)", r.Plugin, r.Version, verdict, len(r.Checks), failed, skipped)
}

// MarshalJSON encodes the report with a computed "passed" field.
func (r *Report) MarshalJSON() ([]byte, error) {
	type plain Report
	return json.Marshal(struct {
		*plain
		Passed bool `json:"passed"`
	}{(*plain)(r), r.Passed()})
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// WriteText writes a readable table (check, subject, result, why), then the
// failures with their details.
func (r *Report) WriteText(w io.Writer) error {
	bw := &errWriter{w: w}
	fmt.Fprintf(bw, "Conformance report for %s %s", r.Plugin, r.Version)
	if r.SHA256 != "" {
		fmt.Fprintf(bw, " (sha256 %s)", short(r.SHA256, 12))
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tSUBJECT\tRESULT\tWHY")
	for _, c := range r.Checks {
		result := "pass"
		switch {
		case !c.Passed:
			result = "FAIL"
		case c.Skipped:
			result = "skip"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Subject(), result, short(oneLine(c.Message), 110))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if failed := r.Failed(); len(failed) > 0 {
		fmt.Fprintf(bw, "\nFailures (%d):\n", len(failed))
		for _, c := range failed {
			fmt.Fprintf(bw, "\n- %s [%s]\n  %s\n", c.ID, c.Subject(), c.Message)
			for _, d := range c.Details {
				fmt.Fprintf(bw, "    * %s\n", d)
			}
		}
	}
	fmt.Fprintf(bw, "\n%s\n", r.Summary())
	return bw.err
}

// errWriter remembers the first write error so WriteText can check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	_, e.err = e.w.Write(p)
	return len(p), nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// flowLabel turns FLOW_REFUND_GET into "REFUND_GET".
func flowLabel(flow string) string { return strings.TrimPrefix(flow, "FLOW_") }
