// Package pdk is the Go plugin development kit for connector plugins: the
// guest side of plugin ABI v1 (docs/plugin-abi.md).
//
// A plugin is a WASI reactor built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o NAME.wasm .
//
// whose package main registers one Connector from init:
//
//	func init() {
//		pdk.Register(&pdk.Connector{
//			Manifest: manifest,
//			Flows: []pdk.Flow{
//				pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)),
//				pdk.RefundGet(pdk.H(buildRefundGet, parseRefundGet)),
//			},
//			VerifyWebhook: verifyWebhook,
//		})
//	}
//
//	func main() {}
//
// Each flow has its registration function (pdk.Authorize, pdk.RefundGet, ...),
// generated from the RPCs' (connectorhost.v1.connector_flow) options; only the
// flows a plugin registers, and their messages' codecs, are linked into its
// module. The PDK redacts every parsed response, error and verified webhook of
// the credentials the manifest does not declare non-secret and of the
// request's card numbers, so plugins need no redaction of their own.
//
// Handlers only transform: Build turns a unified request into the processor's
// HTTP request, Parse turns the processor's HTTP response into a unified
// response. The host does all I/O. Handlers must be deterministic: read the
// time from Context.Now and randomness from Context.Random, never from the
// time or crypto/rand packages, and never iterate a map to produce output.
//
// The sub-packages hold helpers every connector needs: money (currency
// exponents; now the top-level package money), form (Stripe-style form encoding), jsonw (a JSON writer), sig
// (HMAC and constant-time compares), statusmap (status tables with a safe
// default), mask (masking secrets) and pdktest (a test kit that calls one
// transform natively; conformance/conformancetest runs whole calls and a
// plugin's fixtures through the host's executor).
package pdk
