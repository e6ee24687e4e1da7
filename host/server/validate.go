package server

import (
	"context"
	"fmt"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/money"
)

// currencyInterceptor refuses a request carrying a Money whose currency is
// well-formed but not an ISO-4217 code (protovalidate checks the form; the
// code list lives in pdk/money, the one place currencies are defined).
func currencyInterceptor() connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			if m, ok := req.Any().(proto.Message); ok {
				if err := checkCurrencies(m.ProtoReflect(), nil); err != nil {
					return nil, connect.NewError(connect.CodeInvalidArgument, err)
				}
			}
			return next(ctx, req)
		}
	}
}

func checkCurrencies(m protoreflect.Message, path []string) error {
	if mv, ok := m.Interface().(*v1.Money); ok {
		if mv.GetCurrency() != "" && !money.Known(mv.GetCurrency()) {
			return fmt.Errorf("validation error: %s.currency: %q is not an ISO-4217 currency code", strings.Join(path, "."), mv.GetCurrency())
		}
		return nil
	}
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil || fd.IsMap() {
			return true
		}
		p := append(path, string(fd.Name()))
		if fd.IsList() {
			l := v.List()
			for i := 0; i < l.Len() && err == nil; i++ {
				err = checkCurrencies(l.Get(i).Message(), append(p[:len(p):len(p)], fmt.Sprint(i)))
			}
		} else {
			err = checkCurrencies(v.Message(), p)
		}
		return err == nil
	})
	return err
}
