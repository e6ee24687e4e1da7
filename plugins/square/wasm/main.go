// Command wasm is the Square connector plugin as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -ldflags="-s -w" -o bin/plugins/square.wasm ./plugins/square/wasm
package main

import (
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/plugins/square"
)

func init() { pdk.Register(square.New()) }

func main() {}
