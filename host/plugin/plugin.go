// Package plugin is the host's client of plugin ABI v1 (docs/plugin-abi.md):
// it loads a connector plugin into the WebAssembly sandbox (host/sandbox),
// decodes and validates its manifest (host/manifest), and runs its
// transforms with the ABI's messages: it encodes each input, calls the
// export, and decodes the output. An instance whose output is not a valid
// ABI message is discarded, never pooled.
//
// The sandbox deals in bytes and export names; the payments types live here
// and above. Failures are typed errors: *sandbox.Fault for the plugin's own
// failures (trap, timeout, out of memory, garbage output), which the API
// edge (host/server) maps to Connect codes.
package plugin

import (
	"context"
	"fmt"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/manifest"
	"github.com/connectorhost/connector-host/host/sandbox"
)

// Plugin is one loaded version of a connector plugin: its sandboxed module
// (whose lifetime, pool and raw byte calls it exposes by embedding) and its
// validated manifest. Its methods are safe for concurrent use.
type Plugin struct {
	*sandbox.Module
	manifest *v1.Manifest
}

// Load loads wasm into eng's sandbox, decodes its manifest and validates it
// (the manifest must name the connector name; see manifest.Validate). name is
// the connector name the file was found under (its base name). The error
// names the plugin.
func Load(ctx context.Context, eng *sandbox.Engine, name string, wasm []byte) (*Plugin, error) {
	mod, err := eng.Load(ctx, name, wasm)
	if err != nil {
		return nil, err
	}
	m := &v1.Manifest{}
	if err := m.UnmarshalVT(mod.ManifestBytes()); err != nil {
		mod.Close()
		return nil, fmt.Errorf("plugin %q: manifest is not a valid connectorhost.v1.Manifest: %w", name, err)
	}
	if err := manifest.Validate(m, name); err != nil {
		mod.Close()
		return nil, fmt.Errorf("plugin %q: invalid manifest: %w", name, err)
	}
	return &Plugin{Module: mod, manifest: m}, nil
}

// Manifest is the plugin's validated manifest. Do not modify it.
func (p *Plugin) Manifest() *v1.Manifest { return p.manifest }

// BuildRequest runs the plugin's build_request transform.
func (p *Plugin) BuildRequest(ctx context.Context, in *pluginv1.BuildRequestInput) (*pluginv1.BuildRequestOutput, error) {
	out := &pluginv1.BuildRequestOutput{}
	return out, p.transform(ctx, abi.ExportBuildRequest, in, out)
}

// ParseResponse runs the plugin's parse_response transform.
func (p *Plugin) ParseResponse(ctx context.Context, in *pluginv1.ParseResponseInput) (*pluginv1.ParseResponseOutput, error) {
	out := &pluginv1.ParseResponseOutput{}
	return out, p.transform(ctx, abi.ExportParseResponse, in, out)
}

// VerifyWebhook runs the plugin's verify_webhook transform.
func (p *Plugin) VerifyWebhook(ctx context.Context, in *pluginv1.VerifyWebhookInput) (*pluginv1.VerifyWebhookOutput, error) {
	out := &pluginv1.VerifyWebhookOutput{}
	return out, p.transform(ctx, abi.ExportVerifyWebhook, in, out)
}

// transform encodes in, runs export on an instance and decodes its output
// into out. Output that does not decode fails the call with a
// sandbox.FaultBadOutput fault and discards the instance that produced it.
func (p *Plugin) transform(ctx context.Context, export string, in, out abi.Message) error {
	input, err := in.MarshalVT()
	if err != nil {
		return fmt.Errorf("encode %s input: %w", export, err)
	}
	_, fault := p.Call(ctx, export, input, func(output []byte) error {
		if err := out.UnmarshalVT(output); err != nil {
			return fmt.Errorf("returned bytes that are not a valid %T: %w", out, err)
		}
		return nil
	})
	if fault != nil {
		return fault
	}
	return nil
}
