// Command wasm is the Braintree connector plugin as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -ldflags="-s -w" -o bin/plugins/braintree.wasm ./plugins/braintree/wasm
package main

import (
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/plugins/braintree"
)

func init() { pdk.Register(braintree.New()) }

func main() {}
