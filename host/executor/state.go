package executor

import (
	"bytes"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// The executor reads and fills fields of the unified messages through the
// getters protoc-gen-go generates, never by looking a field up by its name
// alone: renaming a proto field removes its getter, so the message stops
// satisfying the interface, and TestHostFieldsBindToGetters (which walks
// every flow's messages) fails instead of a check silently switching off.

// stateHolder is a unified request or response carrying connector state.
type stateHolder interface {
	GetState() *v1.ConnectorState
}

// httpStatusHolder is a unified response carrying the processor's HTTP status.
type httpStatusHolder interface {
	GetConnectorHttpStatus() int32
}

// httpStatusField is the field httpStatusHolder reads.
const httpStatusField protoreflect.Name = "connector_http_status"

// stateOf returns a message's connector state, or nil.
func stateOf(m abi.Message) *v1.ConnectorState {
	if h, ok := m.(stateHolder); ok {
		return h.GetState()
	}
	return nil
}

// stateFieldOf returns the field of m holding a ConnectorState (found by the
// field's type, not its name), or nil.
func stateFieldOf(m protoreflect.Message) protoreflect.FieldDescriptor {
	want := (&v1.ConnectorState{}).ProtoReflect().Descriptor().FullName()
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		if f := fields.Get(i); f.Message() != nil && f.Message().FullName() == want && !f.IsList() && !f.IsMap() {
			return f
		}
	}
	return nil
}

// mergeState copies what src sets onto dst.
func mergeState(dst, src *v1.ConnectorState) {
	if src.GetAccessToken().GetToken() != "" {
		dst.AccessToken = proto.Clone(src.GetAccessToken()).(*v1.AccessToken)
	}
	if src.GetConnectorCustomerId() != "" {
		dst.ConnectorCustomerId = src.GetConnectorCustomerId()
	}
	for k, v := range src.GetValues() {
		if dst.Values == nil {
			dst.Values = map[string]string{}
		}
		dst.Values[k] = v
	}
}

// absorbState merges what a step's response teaches: its state, an access
// token it obtained, a customer it created.
func absorbState(dst *v1.ConnectorState, resp abi.Message) {
	if st := stateOf(resp); st != nil {
		mergeState(dst, st)
	}
	switch r := resp.(type) {
	case *v1.MerchantAuthenticationServiceCreateAccessTokenResponse:
		if r.GetAccessToken().GetToken() != "" {
			dst.AccessToken = proto.Clone(r.GetAccessToken()).(*v1.AccessToken)
		}
	case *v1.CustomerServiceCreateResponse:
		if r.GetConnectorCustomerId() != "" {
			dst.ConnectorCustomerId = r.GetConnectorCustomerId()
		}
	}
}

// finishResponse fills what the host knows better than the plugin, so
// plugins need not set it (docs/plugin-abi.md, "What the host fills"):
//   - state: everything the call learned (the plugin's own values win);
//   - connector_http_status: the status of the processor's answer that was
//     parsed into this response;
//   - the ids the request and response share (merchant_transaction_id,
//     connector_transaction_id, merchant_refund_id, ...; see idFields),
//     copied from the request where the plugin left them empty. A set one
//     already equals the request's (checkIntegrity).
func finishResponse(req, resp abi.Message, acc *v1.ConnectorState, httpStatus int32) {
	r := resp.ProtoReflect()
	if _, ok := resp.(stateHolder); ok {
		if f := stateFieldOf(r); f != nil {
			merged := proto.Clone(acc).(*v1.ConnectorState)
			if own := stateOf(resp); own != nil {
				mergeState(merged, own)
			}
			if !proto.Equal(merged, &v1.ConnectorState{}) {
				r.Set(f, protoreflect.ValueOfMessage(merged.ProtoReflect()))
			}
		}
	}
	if h, ok := resp.(httpStatusHolder); ok && httpStatus != 0 && h.GetConnectorHttpStatus() != httpStatus {
		if f := r.Descriptor().Fields().ByName(httpStatusField); f != nil && f.Kind() == protoreflect.Int32Kind {
			r.Set(f, protoreflect.ValueOfInt32(httpStatus))
		}
	}
	for _, idf := range idFields {
		want, ok := idf.get(req)
		if !ok || want == "" {
			continue
		}
		if got, ok := idf.get(resp); ok && got == "" {
			idf.set(resp, want)
		}
	}
}

// withoutSecretHeaders returns hr with the values of its secret headers
// blanked, for parse_response (plugins never need them back).
func withoutSecretHeaders(hr *pluginv1.HttpRequest) *pluginv1.HttpRequest {
	if len(hr.GetSecretHeaders()) == 0 {
		return hr
	}
	out := proto.Clone(hr).(*pluginv1.HttpRequest)
	secret := map[string]bool{}
	for _, n := range hr.GetSecretHeaders() {
		secret[http2Canonical(n)] = true
	}
	for _, h := range out.Headers {
		if secret[http2Canonical(h.GetName())] {
			h.Value = "[redacted]"
		}
	}
	return out
}

func http2Canonical(s string) string { return string(bytes.ToLower([]byte(s))) }

// cardSecrets returns the card numbers and CVCs anywhere in a request.
func cardSecrets(m abi.Message) []string {
	var out []string
	var walk func(protoreflect.Message)
	walk = func(r protoreflect.Message) {
		if c, ok := r.Interface().(*v1.Card); ok {
			if c.GetNumber() != "" {
				out = append(out, c.GetNumber())
			}
			if len(c.GetCvc()) >= 3 {
				out = append(out, c.GetCvc())
			}
			return
		}
		r.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			if fd.Message() != nil && !fd.IsMap() {
				if fd.IsList() {
					l := v.List()
					for i := 0; i < l.Len(); i++ {
						walk(l.Get(i).Message())
					}
				} else {
					walk(v.Message())
				}
			}
			return true
		})
	}
	walk(m.ProtoReflect())
	return out
}

// checkNoSecrets refuses a response that contains a credential or card
// secret anywhere in its encoding (a plugin bug that would leak it). CVCs are
// too short to search for reliably and are left to the conformance suite.
func (s *session) checkNoSecrets(resp abi.Message) error {
	b, err := resp.MarshalVT()
	if err != nil {
		return connect.NewError(connect.CodeInternal, fmt.Errorf("encode response: %w", err))
	}
	for _, secret := range s.secrets {
		if len(secret) >= 8 && bytes.Contains(b, []byte(secret)) {
			return connect.NewError(connect.CodeInternal, errors.New(s.call.Connector+": the plugin returned a secret (a credential or card number) in its response; refused"))
		}
	}
	return nil
}
