// Command wasm is the Adyen connector plugin as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -ldflags="-s -w" -o bin/plugins/adyen.wasm ./plugins/adyen/wasm
package main

import (
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/plugins/adyen"
)

func init() { pdk.Register(adyen.New()) }

func main() {}
