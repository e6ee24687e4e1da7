package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"buf.build/go/protovalidate"
	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/money"
)

// singleHeaders are the headers that select what a call does; each must be
// sent at most once (a proxy or client that appends a second value must not
// make the host pick one of them).
var singleHeaders = []string{
	credentials.HeaderConnector, credentials.HeaderAuth, credentials.HeaderAccount, credentials.HeaderEnvironment,
}

// validationInterceptor refuses, with InvalidArgument and before any
// connector runs: a selecting header sent twice, a request breaking the
// protos' validation rules, and a Money whose currency is well-formed but
// not an ISO-4217 code (the code list lives in money). Messages name
// each field as the caller spells it: JSON names for JSON callers, proto
// names for binary ones.
func validationInterceptor() (connect.UnaryInterceptorFunc, error) {
	validator, err := protovalidate.New()
	if err != nil {
		return nil, fmt.Errorf("protovalidate: %w", err)
	}
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			if req.Spec().IsClient {
				return next(ctx, req)
			}
			if err := checkSingleHeaders(req.Header()); err != nil {
				return nil, err
			}
			m, ok := req.Any().(proto.Message)
			if !ok {
				return next(ctx, req)
			}
			json := strings.Contains(req.Header().Get("Content-Type"), "json")
			if err := validator.Validate(m); err != nil {
				return nil, validationError(err, m.ProtoReflect().Descriptor(), json)
			}
			if err := checkCurrencies(m.ProtoReflect(), nil, json); err != nil {
				return nil, connect.NewError(connect.CodeInvalidArgument, err)
			}
			if err := checkPaymentCurrency(m, json); err != nil {
				return nil, connect.NewError(connect.CodeInvalidArgument, err)
			}
			res, err := next(ctx, req)
			if err != nil && json {
				err = jsonFieldNames(err, m.ProtoReflect().Descriptor())
			}
			return res, err
		}
	}, nil
}

func checkSingleHeaders(h http.Header) error {
	for _, name := range singleHeaders {
		if n := len(h.Values(name)); n > 1 {
			return connect.NewError(connect.CodeInvalidArgument,
				fmt.Errorf("header %s was sent %d times: send it once", strings.ToLower(name), n))
		}
	}
	return nil
}

// validationError turns protovalidate's violations into one InvalidArgument
// listing each field and what is wrong with it, with the violations attached
// as an error detail (buf.validate.Violations).
func validationError(err error, root protoreflect.MessageDescriptor, json bool) error {
	var ve *protovalidate.ValidationError
	if !errors.As(err, &ve) {
		return connect.NewError(connect.CodeInternal, fmt.Errorf("validating the request: %w", err))
	}
	var parts []string
	for _, v := range ve.Violations {
		parts = append(parts, violationPath(v, root, json)+": "+violationMessage(v))
	}
	ce := connect.NewError(connect.CodeInvalidArgument, errors.New(strings.Join(parts, "; ")))
	if d, derr := connect.NewErrorDetail(ve.ToProto()); derr == nil {
		ce.AddDetail(d)
	}
	return ce
}

// violationPath renders a violation's field path in the caller's spelling.
func violationPath(v *protovalidate.Violation, root protoreflect.MessageDescriptor, json bool) string {
	var path []string
	md := root
	for _, el := range v.Proto.GetField().GetElements() {
		name := el.GetFieldName()
		var fd protoreflect.FieldDescriptor
		if md != nil {
			fd = md.Fields().ByNumber(protoreflect.FieldNumber(el.GetFieldNumber()))
		}
		if fd != nil {
			name = fieldName(fd, json)
		}
		path = append(path, name)
		if sub := subscript(el); sub != "" {
			path = append(path, sub)
		}
		md = nil
		if fd != nil {
			switch {
			case fd.IsMap() && el.GetSubscript() != nil:
				md = fd.MapValue().Message()
			case fd.IsList() && el.GetSubscript() == nil:
				md = nil
			default:
				md = fd.Message()
			}
		}
	}
	if len(path) == 0 {
		return "the request"
	}
	return joinPath(path)
}

func subscript(el *validate.FieldPathElement) string {
	switch el.GetSubscript().(type) {
	case *validate.FieldPathElement_Index:
		return fmt.Sprintf("[%d]", el.GetIndex())
	case *validate.FieldPathElement_StringKey:
		return fmt.Sprintf("[%q]", el.GetStringKey())
	case *validate.FieldPathElement_IntKey:
		return fmt.Sprintf("[%d]", el.GetIntKey())
	case *validate.FieldPathElement_UintKey:
		return fmt.Sprintf("[%d]", el.GetUintKey())
	case *validate.FieldPathElement_BoolKey:
		return fmt.Sprintf("[%t]", el.GetBoolKey())
	}
	return ""
}

// violationMessage says what is wrong in words a caller can act on.
func violationMessage(v *protovalidate.Violation) string {
	rule := v.Proto.GetRuleId()
	empty := v.FieldDescriptor != nil && v.FieldValue.IsValid() &&
		v.FieldDescriptor.Kind() == protoreflect.StringKind && !v.FieldDescriptor.IsList() && v.FieldValue.String() == ""
	switch {
	case rule == "required", empty && (strings.HasPrefix(rule, "string.")):
		return "is required"
	case v.FieldDescriptor != nil && v.FieldDescriptor.FullName() == "connectorhost.v1.Money.currency":
		return "is not an ISO-4217 currency code"
	case rule == "enum.defined_only":
		return "is not a known value"
	}
	msg := v.Proto.GetMessage()
	msg = strings.TrimPrefix(msg, "value ")
	return msg
}

// pluginFieldError is a connector's refusal of a field: "adyen: return_url: is required ...".
var pluginFieldError = regexp.MustCompile(`^([a-z0-9_]+): ([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*|\[[0-9]+\])*): (.*)$`)

// jsonFieldNames rewrites the field a connector names in an InvalidArgument
// (plugins name fields in proto spelling) into the JSON spelling a JSON
// caller used, when the path resolves in the request's schema. The error's
// code, metadata and details are kept.
func jsonFieldNames(err error, root protoreflect.MessageDescriptor) error {
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeInvalidArgument {
		return err
	}
	m := pluginFieldError.FindStringSubmatch(ce.Message())
	if m == nil {
		return err
	}
	path, ok := jsonPath(root, m[2])
	if !ok || path == m[2] {
		return err
	}
	out := connect.NewError(ce.Code(), fmt.Errorf("%s: %s: %s", m[1], path, m[3]))
	for k, vs := range ce.Meta() {
		for _, v := range vs {
			out.Meta().Add(k, v)
		}
	}
	for _, d := range ce.Details() {
		out.AddDetail(d)
	}
	return out
}

// jsonPath turns a proto-spelled field path ("payment_method.card.cvc",
// "items[0].name") into its JSON spelling; false when it does not resolve.
func jsonPath(md protoreflect.MessageDescriptor, path string) (string, bool) {
	var out []string
	for _, part := range strings.Split(path, ".") {
		name, sub, _ := strings.Cut(part, "[")
		if md == nil {
			return "", false
		}
		fd := md.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			return "", false
		}
		el := fd.JSONName()
		if sub != "" {
			el += "[" + sub
		}
		out = append(out, el)
		md = fd.Message()
		if fd.IsMap() {
			md = fd.MapValue().Message()
		}
	}
	return strings.Join(out, "."), true
}

// checkPaymentCurrency refuses a Capture or Refund whose amount is in
// another currency than the payment_amount the caller says the payment has.
// Processors take a capture's or refund's amount in the payment's currency
// without a currency of their own (Stripe's amount_to_capture): USD 10.00
// against a JPY payment would capture ¥1000 before any answer could be
// checked.
func checkPaymentCurrency(m proto.Message, json bool) error {
	var moved, payment *v1.Money
	var movedField string
	switch r := m.(type) {
	case *v1.PaymentServiceCaptureRequest:
		moved, payment, movedField = r.GetAmountToCapture(), r.GetPaymentAmount(), "amount_to_capture"
	case *v1.PaymentServiceRefundRequest:
		moved, payment, movedField = r.GetRefundAmount(), r.GetPaymentAmount(), "refund_amount"
	default:
		return nil
	}
	if payment.GetCurrency() == "" || moved.GetCurrency() == "" || payment.GetCurrency() == moved.GetCurrency() {
		return nil
	}
	fields := m.ProtoReflect().Descriptor().Fields()
	return fmt.Errorf("%s: %s differs from %s.currency %s: the amount must be in the payment's currency",
		joinPath([]string{fieldName(fields.ByName(protoreflect.Name(movedField)), json), "currency"}), moved.GetCurrency(),
		fieldName(fields.ByName("payment_amount"), json), payment.GetCurrency())
}

// checkCurrencies refuses a Money whose currency is not in the ISO-4217 list.
func checkCurrencies(m protoreflect.Message, path []string, json bool) error {
	if mv, ok := m.Interface().(*v1.Money); ok {
		if mv.GetCurrency() != "" && !money.Known(mv.GetCurrency()) {
			return fmt.Errorf("%s: %q is not an ISO-4217 currency code", joinPath(append(path, "currency")), mv.GetCurrency())
		}
		return nil
	}
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		err = eachMessage(fd, v, append(path[:len(path):len(path)], fieldName(fd, json)), func(m protoreflect.Message, p []string) error {
			return checkCurrencies(m, p, json)
		})
		return err == nil
	})
	return err
}
