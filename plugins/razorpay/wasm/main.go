// Command wasm is the Razorpay connector plugin as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -ldflags="-s -w" -o bin/plugins/razorpay.wasm ./plugins/razorpay/wasm
package main

import (
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/plugins/razorpay"
)

func init() { pdk.Register(razorpay.New()) }

func main() {}
