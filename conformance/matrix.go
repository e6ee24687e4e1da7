package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Support is one cell of the feature matrix.
type Support string

// Matrix cells.
const (
	// Supported: declared, and every conformance check about it passed.
	Supported Support = "pass"
	// Failing: declared, but a conformance check about it failed.
	Failing Support = "fail"
	// NotSupported: not declared.
	NotSupported Support = ""
)

// Matrix is the feature matrix of a set of connectors: what each declares
// and whether the conformance suite agrees. docs/connectors.md is its
// Markdown; the host's ConnectorService can serve it as is.
type Matrix struct {
	// Flows are all flows of the ABI in enum order (FLOW_AUTHORIZE, ...).
	Flows []string `json:"flows"`
	// PaymentMethods are all payment method types in enum order.
	PaymentMethods []string `json:"payment_methods"`
	// Connectors are sorted by name.
	Connectors []MatrixConnector `json:"connectors"`
}

// MatrixConnector is one connector's column.
type MatrixConnector struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Version     string `json:"version"`
	APIVersion  string `json:"api_version,omitempty"`
	// IdempotencyWindowSeconds is how long the processor remembers an
	// idempotency key (0: it does not deduplicate, or documents no window).
	IdempotencyWindowSeconds int64 `json:"idempotency_window_seconds,omitempty"`
	// Passed is the whole conformance verdict.
	Passed bool `json:"passed"`
	// FailedChecks are the IDs of failed checks, sorted.
	FailedChecks []string `json:"failed_checks,omitempty"`
	// LoadError is set when the plugin could not be loaded (nothing else is then known).
	LoadError string `json:"load_error,omitempty"`
	// Flows and PaymentMethods map enum names to cells (undeclared ones are absent).
	Flows          map[string]Support `json:"flows"`
	PaymentMethods map[string]Support `json:"payment_methods"`
	Currencies     []string           `json:"currencies,omitempty"`
	CaptureMethods []string           `json:"capture_methods,omitempty"`
	Credentials    []MatrixCredential `json:"credentials"`
	Webhooks       MatrixWebhooks     `json:"webhooks"`
	Notes          string             `json:"notes,omitempty"`
}

// MatrixCredential is one credential field.
type MatrixCredential struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Secret      bool   `json:"secret"`
	Required    bool   `json:"required"`
}

// MatrixWebhooks is a connector's webhook support.
type MatrixWebhooks struct {
	Supported        bool   `json:"supported"`
	SignatureScheme  string `json:"signature_scheme,omitempty"`
	Timestamped      bool   `json:"timestamped,omitempty"`
	ToleranceSeconds int64  `json:"tolerance_seconds,omitempty"`
	EventTypes       int    `json:"event_types,omitempty"`
	// Verified is the verdict of the webhook checks.
	Verified Support `json:"verified"`
}

// NewMatrix builds the matrix from conformance reports (one per connector;
// a report's Manifest gives what is declared).
func NewMatrix(reports []*Report) *Matrix {
	m := &Matrix{}
	for _, f := range abi.Flows() {
		m.Flows = append(m.Flows, f.Flow.String())
	}
	for n := int32(1); ; n++ {
		name, ok := v1.PaymentMethodType_name[n]
		if !ok {
			break
		}
		m.PaymentMethods = append(m.PaymentMethods, name)
	}
	for _, r := range reports {
		m.Connectors = append(m.Connectors, matrixConnector(r))
	}
	sort.Slice(m.Connectors, func(i, j int) bool { return m.Connectors[i].Name < m.Connectors[j].Name })
	return m
}

func matrixConnector(r *Report) MatrixConnector {
	c := MatrixConnector{Name: r.Plugin, Version: r.Version, Passed: r.Passed(), FailedChecks: r.FailedIDs(),
		Flows: map[string]Support{}, PaymentMethods: map[string]Support{}}
	mf := r.Manifest
	if mf == nil {
		for _, chk := range r.Failed() {
			c.LoadError = chk.Message
			break
		}
		c.DisplayName = r.Plugin
		return c
	}
	c.DisplayName, c.APIVersion, c.Notes, c.Currencies = mf.GetDisplayName(), mf.GetApiVersion(), mf.GetNotes(), mf.GetCurrencies()
	c.IdempotencyWindowSeconds = mf.GetIdempotencyWindowSeconds()
	for _, cm := range mf.GetCaptureMethods() {
		c.CaptureMethods = append(c.CaptureMethods, strings.TrimPrefix(cm.String(), "CAPTURE_METHOD_"))
	}
	verdict := func(match func(CheckResult) bool) Support {
		for _, chk := range r.Checks {
			if match(chk) && !chk.Passed {
				return Failing
			}
		}
		return Supported
	}
	for _, f := range mf.GetFlows() {
		name := f.String()
		c.Flows[name] = verdict(func(chk CheckResult) bool { return chk.Flow == name && chk.PaymentMethod == "" })
	}
	for _, pm := range mf.GetPaymentMethods() {
		name := pm.String()
		c.PaymentMethods[name] = verdict(func(chk CheckResult) bool { return chk.PaymentMethod == name })
	}
	for _, cf := range mf.GetCredentialFields() {
		c.Credentials = append(c.Credentials, MatrixCredential{Name: cf.GetName(), Description: cf.GetDescription(), Secret: cf.GetSecret(), Required: cf.GetRequired()})
	}
	w := mf.GetWebhooks()
	c.Webhooks = MatrixWebhooks{Supported: w.GetSupported(), SignatureScheme: w.GetSignatureScheme(), Timestamped: w.GetTimestamped(),
		ToleranceSeconds: w.GetToleranceSeconds(), EventTypes: len(w.GetEventTypes())}
	if w.GetSupported() {
		c.Webhooks.Verified = verdict(func(chk CheckResult) bool { return chk.Webhooks || chk.Category == CategoryWebhooks })
	}
	return c
}

// BundledPlugin is a connector of this repository: plugins/<Name> with a
// plugin main package in plugins/<Name>/wasm.
type BundledPlugin struct {
	Name string
	// Package is the main package's path relative to the module root ("./plugins/stripe/wasm").
	Package string
	// FixturesDir is plugins/<Name>/fixtures under the module root.
	FixturesDir string
}

// BundledPlugins lists the plugins under root/plugins that have a wasm/main.go, by name.
func BundledPlugins(root string) ([]BundledPlugin, error) {
	mains, err := filepath.Glob(filepath.Join(root, "plugins", "*", "wasm", "main.go"))
	if err != nil {
		return nil, fmt.Errorf("list bundled plugins: %w", err)
	}
	sort.Strings(mains)
	var out []BundledPlugin
	for _, m := range mains {
		dir := filepath.Dir(filepath.Dir(m))
		name := filepath.Base(dir)
		if _, err := os.Stat(m); err != nil {
			continue
		}
		out = append(out, BundledPlugin{Name: name, Package: "./plugins/" + name + "/wasm", FixturesDir: filepath.Join(dir, "fixtures")})
	}
	return out, nil
}

// FailedLoad is the report of a plugin that could not even be built or read.
func FailedLoad(name string, err error) *Report {
	r := &Report{Plugin: name}
	r.add(CheckResult{ID: idLoad, Category: CategoryManifest, Message: fmt.Sprintf("the plugin could not be built or read: %v", err)})
	return r
}
