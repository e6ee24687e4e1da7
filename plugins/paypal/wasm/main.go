// Command wasm is the PayPal connector plugin as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -ldflags="-s -w" -o bin/plugins/paypal.wasm ./plugins/paypal/wasm
package main

import (
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/plugins/paypal"
)

func init() { pdk.Register(paypal.New()) }

func main() {}
