package conformancetest

import (
	"context"
	"net/http"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/conformance"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// Plugin is a plugin the helpers run through the host's executor: a PDK
// connector run natively (Native) or any abi.Transformer (On), e.g. a .wasm
// loaded into the host runtime.
type Plugin struct {
	t abi.Transformer
	m *v1.Manifest
}

// Native prepares c to run in-process.
func Native(c *pdk.Connector) (*Plugin, error) {
	t, m, err := conformance.NativeTransformer(c)
	if err != nil {
		return nil, err
	}
	return &Plugin{t: t, m: m}, nil
}

// On runs t, whose manifest is m.
func On(t abi.Transformer, m *v1.Manifest) *Plugin { return &Plugin{t: t, m: m} }

// Manifest is the plugin's manifest as the host reads it.
func (p *Plugin) Manifest() *v1.Manifest { return p.m }

// Run runs c through the host's executor with c's canned processor answer
// (conformance.RunCall): build, the answer, parse, the host's checks. It
// stops where the plugin asks for a next step.
func (p *Plugin) Run(c pdktest.Call) (*pdktest.Result, error) {
	return conformance.RunCall(context.Background(), p.t, p.m, c)
}

// Execute runs flow through the host's executor against a real HTTP server
// (conformance.ExecuteHTTP), following next steps.
func (p *Plugin) Execute(ctx context.Context, client *http.Client, flow v1.Flow, req abi.Message, cc *pluginv1.CallContext) (*conformance.Execution, error) {
	return conformance.ExecuteHTTP(ctx, p.t, p.m, client, flow, req, cc)
}

// Run runs call on c natively through the host's executor (Plugin.Run).
func Run(c *pdk.Connector, call pdktest.Call) (*pdktest.Result, error) {
	p, err := Native(c)
	if err != nil {
		return nil, err
	}
	return p.Run(call)
}
