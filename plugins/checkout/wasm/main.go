// Command wasm is the Checkout.com connector plugin as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -ldflags="-s -w" -o bin/plugins/checkout.wasm ./plugins/checkout/wasm
package main

import (
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/plugins/checkout"
)

func init() { pdk.Register(checkout.New()) }

func main() {}
