// Command wasm is the Stripe connector plugin as a WASI reactor module:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -ldflags="-s -w" -o bin/plugins/stripe.wasm ./plugins/stripe/wasm
package main

import (
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/plugins/stripe"
)

func init() { pdk.Register(stripe.New()) }

func main() {}
