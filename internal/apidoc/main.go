// Command apidoc writes docs/api.md, the API overview, from the protos'
// descriptors and comments: `make docs` pipes `buf build` into it. Reading the
// protos, not hand-written prose, keeps the overview true.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: apidoc IMAGE.binpb OUT.md")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "apidoc:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	set := &descriptorpb.FileDescriptorSet{}
	if err := proto.Unmarshal(b, set); err != nil {
		return fmt.Errorf("decode %s: %w", in, err)
	}
	files, err := protodesc.NewFiles(set)
	if err != nil {
		return fmt.Errorf("link descriptors: %w", err)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	write(w, files)
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func comment(d protoreflect.Descriptor) string {
	loc := d.ParentFile().SourceLocations().ByDescriptor(d)
	return strings.TrimSpace(strings.Join(strings.Fields(loc.LeadingComments), " "))
}

// edgeRules is how the server reads requests, the same on every protocol
// (host/server: codec.go, validate.go, framing.go).
const edgeRules = `## Requests the host refuses

The host never guesses what a request meant. Each case below is refused before any connector runs, with
` + "`InvalidArgument`" + ` (HTTP 400) unless stated, and a message naming the field as the caller spells it: JSON
names (` + "`merchantTransactionId`" + `, ` + "`amount.currency`" + `) for JSON callers, proto names
(` + "`merchant_transaction_id`" + `) and field numbers for binary protobuf callers. Messages never name Go types. A
connector's own refusal of a field, prefixed with the connector's name, is spelled the same way
(` + "`adyen: returnUrl: is required ...`" + ` for a JSON caller, ` + "`adyen: return_url: ...`" + ` for a protobuf caller).

- **Unknown fields**, in JSON (` + "`\"merchantTransactionID\": ...`" + ` is ` + "`merchantTransactionID: unknown field`" + `) and in binary
  protobuf alike (` + "`amount: unknown field number 99`" + `), at any depth, with the path
  (` + "`customer.nickname: unknown field`" + `) and, for JSON, the line and column. A caller built against a newer schema
  gets an error rather than a silently dropped field.
- **Unknown enum values**: a name the schema does not define (` + "`\"captureMethod\": \"MANUAL\"`" + `, whose message lists the
  valid names) or a number it does not define, in JSON or binary. Where an enum decides what happens to money,
  the meaning of ` + "`UNSPECIFIED`" + ` (an absent field) is documented on the field below: ` + "`capture_method`" + ` UNSPECIFIED is
  AUTOMATIC; ` + "`setup_future_usage`" + ` UNSPECIFIED stores nothing; ` + "`SetupRecurring.future_usage`" + ` UNSPECIFIED is OFF_SESSION.
- **Validation rules** of the protos (` + "`buf.validate`" + `): a missing required field ` + "`is required`" + `; a currency outside
  ISO-4217 ` + "`is not an ISO-4217 currency code`" + `; other rules say what the value must be. Violations are also
  attached as a ` + "`buf.validate.Violations`" + ` error detail.
- **Amounts**: ` + "`Money.minor_amount`" + ` is between 0 and 10^15. Flows that move money (Authorize, Capture, Refund,
  IncrementalAuthorization, CreateOrder, RecurringPaymentService.Charge) refuse zero; SetupRecurring accepts zero
  to verify a payment method without charging it.
- **Repeated selection headers**: ` + "`x-connector`" + `, ` + "`x-connector-auth`" + `, ` + "`x-connector-account`" + ` or
  ` + "`x-connector-environment`" + ` sent more than once.
- **Malformed framing** is the caller's fault, not the host's: a body that cannot be read (a bad chunk size in a
  chunked body), a gRPC or gRPC-Web length prefix promising more bytes than the body holds, a prefix shorter than
  5 bytes, a message flagged compressed without a ` + "`grpc-encoding`" + ` header, or invalid frame flags are
  ` + "`InvalidArgument`" + ` (` + "`grpc-status: 3`" + `), the code connect-go gives a message that does not decode (connect-go itself
  answers ` + "`Internal`" + ` or ` + "`Unknown`" + ` to these). A message or body over ` + "`limits.max_request_bytes`" + ` is
  ` + "`ResourceExhausted`" + `.
- **Slow bodies**: headers must arrive within 10 s and the body within 30 s of them; a body promised by
  ` + "`Content-Length`" + ` and never sent is cut with ` + "`DeadlineExceeded`" + ` (HTTP 504 for Connect/HTTP-JSON callers).
  Server reflection and health ` + "`Watch`" + ` streams, which a caller may hold open, have no body timeout.

Webhooks: ` + "`EventService.HandleEvent`" + ` returns every event of a webhook. ` + "`PaymentService`" + `, ` + "`RefundService`" + ` and
` + "`DisputeService`" + `.HandleEvent return every event of a webhook or none: a webhook that also carries events of
another kind (an Adyen batch with AUTHORISATION and REFUND items) is refused whole with ` + "`FailedPrecondition`" + `
and no acknowledgement, so the processor delivers it again; send such webhooks to ` + "`EventService.HandleEvent`" + `.

`

// write renders services with their RPCs, then messages and enums, per package.
func write(w io.Writer, files *protoregistry.Files) {
	var fds []protoreflect.FileDescriptor
	files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if strings.HasPrefix(string(fd.Package()), "connectorhost.") {
			fds = append(fds, fd)
		}
		return true
	})
	sort.Slice(fds, func(i, j int) bool { return fds[i].Path() < fds[j].Path() })

	fmt.Fprint(w, "# API overview\n\n")
	fmt.Fprint(w, "Generated from `proto/` by `make docs` (also run by `make generate`; internal/apidoc); do not edit by hand.\n\n")
	fmt.Fprint(w, "Every RPC takes the connector in the `x-connector` header and credentials in `x-connector-auth` (a JSON\n")
	fmt.Fprint(w, "object of the connector's credential fields) or `x-connector-account` (a named account in the host's config).\n")
	fmt.Fprint(w, "Paths are `/<package>.<Service>/<Method>`; Connect, gRPC, gRPC-Web and HTTP-JSON (POST, `Content-Type:\n")
	fmt.Fprint(w, "application/json`, protojson field names) are served on the same port.\n\n")
	fmt.Fprint(w, edgeRules)

	fmt.Fprint(w, "## Services\n\n")
	for _, fd := range fds {
		svcs := fd.Services()
		for i := 0; i < svcs.Len(); i++ {
			s := svcs.Get(i)
			fmt.Fprintf(w, "### %s\n\n%s\n\n| RPC | request | response | what it does |\n|---|---|---|---|\n", s.FullName(), comment(s))
			for j := 0; j < s.Methods().Len(); j++ {
				m := s.Methods().Get(j)
				fmt.Fprintf(w, "| `%s` | [%s](#%s) | [%s](#%s) | %s |\n", m.Name(),
					m.Input().Name(), anchor(m.Input().FullName()), m.Output().Name(), anchor(m.Output().FullName()), comment(m))
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprint(w, "## Messages\n\n")
	for _, fd := range fds {
		msgs := fd.Messages()
		for i := 0; i < msgs.Len(); i++ {
			writeMessage(w, msgs.Get(i))
		}
	}
	fmt.Fprint(w, "## Enums\n\n")
	for _, fd := range fds {
		enums := fd.Enums()
		for i := 0; i < enums.Len(); i++ {
			e := enums.Get(i)
			fmt.Fprintf(w, "### %s\n\n%s\n\n| value | meaning |\n|---|---|\n", e.FullName(), comment(e))
			for j := 0; j < e.Values().Len(); j++ {
				v := e.Values().Get(j)
				fmt.Fprintf(w, "| `%s` | %s |\n", v.Name(), comment(v))
			}
			fmt.Fprintln(w)
		}
	}
}

func writeMessage(w io.Writer, m protoreflect.MessageDescriptor) {
	if m.IsMapEntry() {
		return
	}
	fmt.Fprintf(w, "### %s\n\n%s\n\n", m.FullName(), comment(m))
	if m.Fields().Len() > 0 {
		fmt.Fprint(w, "| field | type | meaning |\n|---|---|---|\n")
		for j := 0; j < m.Fields().Len(); j++ {
			f := m.Fields().Get(j)
			fmt.Fprintf(w, "| `%s` | %s | %s |\n", f.JSONName(), typeName(f), comment(f))
		}
		fmt.Fprintln(w)
	}
	for j := 0; j < m.Messages().Len(); j++ {
		writeMessage(w, m.Messages().Get(j))
	}
}

func typeName(f protoreflect.FieldDescriptor) string {
	var t string
	switch {
	case f.IsMap():
		return fmt.Sprintf("map<%s, %s>", f.MapKey().Kind(), typeName(f.MapValue()))
	case f.Message() != nil:
		t = fmt.Sprintf("[%s](#%s)", f.Message().Name(), anchor(f.Message().FullName()))
	case f.Enum() != nil:
		t = fmt.Sprintf("[%s](#%s)", f.Enum().Name(), anchor(f.Enum().FullName()))
	default:
		t = f.Kind().String()
	}
	if f.IsList() {
		t = "repeated " + t
	}
	if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
		t += " (oneof " + string(o.Name()) + ")"
	}
	return t
}

func anchor(n protoreflect.FullName) string {
	return strings.ToLower(strings.ReplaceAll(string(n), ".", ""))
}
