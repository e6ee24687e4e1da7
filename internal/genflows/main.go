// Command genflows generates every flow table from the proto: the
// (connectorhost.v1.connector_flow) option on an RPC (proto/connectorhost/v1/
// flow_options.proto) names the flow it runs and whether it mutates. From the
// annotated RPCs it writes
//
//   - abi/flows.gen.go: the ABI flow table (names, messages, mutating), data
//     only, so a plugin that links package abi links no message code;
//   - abi/flows_host.gen.go: FlowInfo.NewRequest/NewResponse for the host;
//   - pdk/flows.gen.go: one registration function per flow (pdk.Authorize, ...),
//     so a plugin links the codecs of the flows it registers and no others,
//     with each flow's codec in pdk/flows_codec_wasip1.gen.go (the guest's
//     field tables) and pdk/flows_codec_host.gen.go (protobuf-go), and
//     pdk/flows_gen_test.go, which registers every one of them;
//   - host/server/services.gen.go: the RPC handlers that run a flow;
//   - the flow table of docs/plugin-abi.md (between its flow-table markers).
//
// `make generate` runs it after buf; `make check` fails when its output is stale.
//
// Usage: genflows REPO_ROOT
package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// flow is one annotated RPC.
type flow struct {
	Enum     string // FLOW_AUTHORIZE
	GoName   string // Authorize
	Number   int32
	Service  string // PaymentService
	Method   string // Authorize
	Request  string // PaymentServiceAuthorizeRequest
	Response string // PaymentServiceAuthorizeResponse
	Mutating bool
	Note     string
	// Secrets are the Go expressions, on the request r, of the payment
	// method and the payout bank accounts whose numbers the PDK masks in
	// the response; empty when the request carries none.
	PaymentMethod string
	BankAccounts  []string
}

// service groups a service's flow RPCs for the server handlers.
type service struct {
	Name   string // PaymentService
	Struct string // paymentService
	Flows  []flow
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genflows REPO_ROOT")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "genflows:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	flows, err := collect()
	if err != nil {
		return err
	}
	services := groupByService(flows)
	data := map[string]any{"Flows": flows, "Services": services}
	for _, out := range []struct {
		path string
		tmpl *template.Template
	}{
		{"abi/flows.gen.go", abiTmpl},
		{"abi/flows_host.gen.go", abiHostTmpl},
		{"pdk/flows.gen.go", pdkTmpl},
		{"pdk/flows_codec_wasip1.gen.go", pdkGuestCodecTmpl},
		{"pdk/flows_codec_host.gen.go", pdkHostCodecTmpl},
		{"pdk/flows_gen_test.go", pdkTestTmpl},
		{"host/server/services.gen.go", serverTmpl},
	} {
		if err := writeGo(filepath.Join(root, out.path), out.tmpl, data); err != nil {
			return err
		}
	}
	return writeDocTable(filepath.Join(root, "docs/plugin-abi.md"), flows)
}

// collect reads every RPC of package connectorhost.v1 that carries the
// connector_flow option, in Flow enum order.
func collect() ([]flow, error) {
	var flows []flow
	seen := map[v1.Flow]string{}
	var errs []error
	protoregistry.GlobalFiles.RangeFilesByPackage("connectorhost.v1", func(fd protoreflect.FileDescriptor) bool {
		svcs := fd.Services()
		for i := 0; i < svcs.Len(); i++ {
			sd := svcs.Get(i)
			ms := sd.Methods()
			for j := 0; j < ms.Len(); j++ {
				md := ms.Get(j)
				if !proto.HasExtension(md.Options(), v1.E_ConnectorFlow) {
					continue
				}
				fo, _ := proto.GetExtension(md.Options(), v1.E_ConnectorFlow).(*v1.FlowOptions)
				name := fmt.Sprintf("%s.%s", sd.Name(), md.Name())
				if fo.GetFlow() == v1.Flow_FLOW_UNSPECIFIED {
					errs = append(errs, fmt.Errorf("%s: connector_flow without a flow", name))
					continue
				}
				if other, dup := seen[fo.GetFlow()]; dup {
					errs = append(errs, fmt.Errorf("%s and %s both run %v", other, name, fo.GetFlow()))
					continue
				}
				seen[fo.GetFlow()] = name
				enum := fo.GetFlow().String()
				flows = append(flows, flow{
					Enum: enum, GoName: camel(strings.TrimPrefix(enum, "FLOW_")), Number: int32(fo.GetFlow()),
					Service: string(sd.Name()), Method: string(md.Name()),
					Request: string(md.Input().Name()), Response: string(md.Output().Name()),
					Mutating: fo.GetMutating(), Note: fo.GetNote(),
				})
				secretFields(&flows[len(flows)-1], md.Input())
			}
		}
		return true
	})
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(flows) == 0 {
		return nil, errors.New("no RPC carries (connectorhost.v1.connector_flow)")
	}
	sort.Slice(flows, func(i, j int) bool { return flows[i].Number < flows[j].Number })
	// Every Flow value but UNSPECIFIED must be run by an RPC.
	vals := v1.Flow(0).Descriptor().Values()
	for i := 0; i < vals.Len(); i++ {
		f := v1.Flow(vals.Get(i).Number())
		if _, ok := seen[f]; !ok && f != v1.Flow_FLOW_UNSPECIFIED {
			return nil, fmt.Errorf("%v has no RPC with (connectorhost.v1.connector_flow).flow = %v", f, f)
		}
	}
	return flows, nil
}

// secretFields records which of req's fields carry card or bank account
// numbers: a PaymentMethod, a PayoutRecipient (its bank account) or a
// PayoutBankAccount, so that the generated secretsOf reads them with typed
// getters instead of the request being converted to an interface.
func secretFields(f *flow, req protoreflect.MessageDescriptor) {
	fields := req.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() == nil || fd.IsList() || fd.IsMap() {
			continue
		}
		getter := "r.Get" + camel(strings.ToUpper(string(fd.Name()))) + "()"
		switch fd.Message().FullName() {
		case "connectorhost.v1.PaymentMethod":
			f.PaymentMethod = getter
		case "connectorhost.v1.PayoutRecipient":
			f.BankAccounts = append(f.BankAccounts, getter+".GetBankAccount()")
		case "connectorhost.v1.PayoutBankAccount":
			f.BankAccounts = append(f.BankAccounts, getter)
		}
	}
}

func groupByService(flows []flow) []service {
	var out []service
	idx := map[string]int{}
	for _, f := range flows {
		i, ok := idx[f.Service]
		if !ok {
			i = len(out)
			idx[f.Service] = i
			out = append(out, service{Name: f.Service, Struct: strings.ToLower(f.Service[:1]) + f.Service[1:]})
		}
		out[i].Flows = append(out[i].Flows, f)
	}
	return out
}

// camel turns REFUND_GET into RefundGet.
func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(strings.ToLower(s), "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func writeGo(path string, t *template.Template, data any) error {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return fmt.Errorf("%s: gofmt: %w\n%s", path, err, buf.Bytes())
	}
	return os.WriteFile(path, src, 0o644)
}

const (
	tableBegin = "<!-- flow-table:begin (generated by `make generate` from the connector_flow options; do not edit) -->"
	tableEnd   = "<!-- flow-table:end -->"
)

func writeDocTable(path string, flows []flow) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(doc)
	b, e := strings.Index(s, tableBegin), strings.Index(s, tableEnd)
	if b < 0 || e < b {
		return fmt.Errorf("%s: flow-table markers not found", path)
	}
	var t strings.Builder
	t.WriteString(tableBegin + "\n\n| Flow | RPC | request / response message | mutating | PDK registration |\n|---|---|---|---|---|\n")
	for _, f := range flows {
		mut := "no"
		if f.Mutating {
			mut = "yes"
		}
		if f.Note != "" {
			mut += " (" + f.Note + ")"
		}
		fmt.Fprintf(&t, "| `%s` | %s.%s | `%s` / `%s` | %s | `pdk.%s` |\n", f.Enum, f.Service, f.Method, f.Request, f.Response, mut, f.GoName)
	}
	t.WriteString("\n")
	return os.WriteFile(path, []byte(s[:b]+t.String()+s[e:]), 0o644)
}

const header = "// Code generated by internal/genflows from the (connectorhost.v1.connector_flow) options. DO NOT EDIT.\n\n"

var abiTmpl = template.Must(template.New("abi").Parse(header + `package abi

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// flows is the ABI flow table in Flow enum order.
var flows = []FlowInfo{
{{- range .Flows}}
	{Flow: v1.Flow_{{.Enum}}, Service: "{{.Service}}", Method: "{{.Method}}", GoName: "{{.GoName}}", Request: "connectorhost.v1.{{.Request}}", Response: "connectorhost.v1.{{.Response}}", Mutating: {{.Mutating}}},
{{- end}}
}
`))

var abiHostTmpl = template.Must(template.New("abihost").Parse("//go:build !wasip1\n\n" + header + `package abi

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// NewRequest returns an empty request message of the flow (nil for a flow
// this build does not know).
func (f FlowInfo) NewRequest() Message {
	switch f.Flow {
{{- range .Flows}}
	case v1.Flow_{{.Enum}}:
		return new(v1.{{.Request}})
{{- end}}
	}
	return nil
}

// NewResponse returns an empty response message of the flow (nil for a flow
// this build does not know).
func (f FlowInfo) NewResponse() Message {
	switch f.Flow {
{{- range .Flows}}
	case v1.Flow_{{.Enum}}:
		return new(v1.{{.Response}})
{{- end}}
	}
	return nil
}
`))

var pdkTmpl = template.Must(template.New("pdk").Parse(header + `package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
{{range .Flows}}
// {{.GoName}} registers the connector's handler of {{.Enum}} ({{.Service}}.{{.Method}}{{if .Mutating}}; mutating: send an idempotency key{{end}}).
func {{.GoName}}(h Handler[*v1.{{.Request}}, *v1.{{.Response}}]) Flow {
	return newFlow(v1.Flow_{{.Enum}}, h, codec{{.GoName}}, {{if or .PaymentMethod .BankAccounts}}secretsOf{{.GoName}}{{else}}nil{{end}})
}
{{if or .PaymentMethod .BankAccounts}}
// secretsOf{{.GoName}} returns the card and bank account numbers r carries.
func secretsOf{{.GoName}}(r *v1.{{.Request}}) []string {
	return accountNumbers({{if .PaymentMethod}}{{.PaymentMethod}}{{else}}nil{{end}}{{range .BankAccounts}}, {{.}}{{end}})
}
{{end}}{{end}}`))

var pdkGuestCodecTmpl = template.Must(template.New("pdkguest").Parse("//go:build wasip1\n\n" + header + `package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// The codec of each flow: its request's and response's tables (abi/wire).
// Only the registration function of a flow refers to its codec, so a plugin
// links the tables of the flows it registers and no others.
var (
{{- range .Flows}}
	codec{{.GoName}} = flowCodec{req: &v1.Codec_{{.Request}}, resp: &v1.Codec_{{.Response}}}
{{- end}}
)
`))

var pdkHostCodecTmpl = template.Must(template.New("pdkhost").Parse("//go:build !wasip1\n\n" + header + `package pdk

// The codec of each flow: protobuf-go's, which needs no data (see flowCodec).
var (
{{- range .Flows}}
	codec{{.GoName}} = flowCodec{}
{{- end}}
)
`))

var serverTmpl = template.Must(template.New("server").Parse(header + `package server

import (
	"context"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)
{{range .Services}}
// {{.Struct}} implements {{.Name}}: each flow RPC runs its flow on the connector named by x-connector.
type {{.Struct}} struct{ s *Server }
{{$svc := .}}{{range .Flows}}
// {{.Method}} runs {{.Enum}}.
func (h *{{$svc.Struct}}) {{.Method}}(ctx context.Context, req *connect.Request[v1.{{.Request}}]) (*connect.Response[v1.{{.Response}}], error) {
	return run[v1.{{.Response}}](ctx, h.s, v1.Flow_{{.Enum}}, req.Header(), req.Msg)
}
{{end}}{{end}}`))

var pdkTestTmpl = template.Must(template.New("pdktest").Parse(header + `package pdk

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// everyFlow registers a handler for every flow with its generated function;
// each handler answers with an empty response of its flow.
func everyFlow(build func(c *Context) (*pluginv1.HttpRequest, error)) []Flow {
	return []Flow{
{{- range .Flows}}
		{{.GoName}}(H(func(c *Context, _ *v1.{{.Request}}) (*pluginv1.HttpRequest, error) { return build(c) },
			func(*Context, *v1.{{.Request}}, *Response) (*v1.{{.Response}}, error) { return new(v1.{{.Response}}), nil })),
{{- end}}
	}
}
`))
