// Command wasm is the GoCardless connector plugin as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -ldflags="-s -w" -o bin/plugins/gocardless.wasm ./plugins/gocardless/wasm
package main

import (
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/plugins/gocardless"
)

func init() { pdk.Register(gocardless.New()) }

func main() {}
