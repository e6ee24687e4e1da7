//go:build !wasip1

package abi

import (
	"context"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
)

// Transformer runs a plugin's three transforms; it is the one interface the
// host's executor and the conformance suite run plugins through. A plugin
// loaded into the WebAssembly sandbox implements it, and so does a PDK
// connector run natively in-process (conformance.NativeTransformer), so
// tests run a connector through the production executor path without
// building a .wasm. Inputs and outputs are the ABI's messages; an error is a
// failure of the plugin itself (a trap, a timeout, undecodable output), never
// a typed plugin error, which travels in the output.
type Transformer interface {
	BuildRequest(ctx context.Context, in *pluginv1.BuildRequestInput) (*pluginv1.BuildRequestOutput, error)
	ParseResponse(ctx context.Context, in *pluginv1.ParseResponseInput) (*pluginv1.ParseResponseOutput, error)
	VerifyWebhook(ctx context.Context, in *pluginv1.VerifyWebhookInput) (*pluginv1.VerifyWebhookOutput, error)
}
