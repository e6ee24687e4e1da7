package conformance

import (
	"context"
	"fmt"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/pdk"
)

// The plugins the suite runs are abi.Transformers: *plugin.Plugin (a
// loaded .wasm) and NativeTransformer's in-process connector. Failures of
// the plugin itself (traps, timeouts) are *sandbox.Fault errors.
var _ abi.Transformer = (*plugin.Plugin)(nil)

// native runs a Connector in-process through the same encode/dispatch/decode
// path the WebAssembly exports use. A panic becomes a FaultTrap; there are no
// time or memory limits.
type native struct {
	name string
	d    *pdk.Dispatcher
}

// NativeTransformer returns an abi.Transformer running c in this process, and its
// manifest as the host would read it. c is prepared by the PDK (its manifest
// filled); pass a fresh Connector.
func NativeTransformer(c *pdk.Connector) (abi.Transformer, *v1.Manifest, error) {
	d := pdk.NewDispatcher(c)
	m := &v1.Manifest{}
	if err := m.UnmarshalVT(d.Manifest()); err != nil {
		return nil, nil, fmt.Errorf("decode manifest: %w", err)
	}
	return &native{name: m.GetName(), d: d}, m, nil
}

func (n *native) call(export string, in, out abi.Message, fn func([]byte) []byte) (err error) {
	b, err := in.MarshalVT()
	if err != nil {
		return fmt.Errorf("encode %s input: %w", export, err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = &sandbox.Fault{Plugin: n.name, Export: export, Kind: sandbox.FaultTrap, Detail: fmt.Sprintf("panicked: %v", r)}
		}
	}()
	raw := fn(b)
	if err := out.UnmarshalVT(raw); err != nil {
		return &sandbox.Fault{Plugin: n.name, Export: export, Kind: sandbox.FaultBadOutput, Detail: err.Error(), Err: err}
	}
	return nil
}

func (n *native) BuildRequest(_ context.Context, in *pluginv1.BuildRequestInput) (*pluginv1.BuildRequestOutput, error) {
	out := &pluginv1.BuildRequestOutput{}
	return out, n.call(abi.ExportBuildRequest, in, out, n.d.BuildRequest)
}

func (n *native) ParseResponse(_ context.Context, in *pluginv1.ParseResponseInput) (*pluginv1.ParseResponseOutput, error) {
	out := &pluginv1.ParseResponseOutput{}
	return out, n.call(abi.ExportParseResponse, in, out, n.d.ParseResponse)
}

func (n *native) VerifyWebhook(_ context.Context, in *pluginv1.VerifyWebhookInput) (*pluginv1.VerifyWebhookOutput, error) {
	out := &pluginv1.VerifyWebhookOutput{}
	return out, n.call(abi.ExportVerifyWebhook, in, out, n.d.VerifyWebhook)
}
