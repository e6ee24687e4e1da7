package server

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// protojson randomly writes its "proto: " prefix with a non-breaking
// space; the rewritten messages must not depend on which.
func TestJSONErrorEitherPrefix(t *testing.T) {
	data := []byte(`{"captureMethod":"MANUAL"}`)
	var m v1.PaymentServiceAuthorizeRequest
	raw := protojson.Unmarshal(data, &m)
	if raw == nil {
		t.Fatal("protojson accepted an unknown enum name")
	}
	text := protoErrorText(raw)
	for _, prefix := range []string{"proto: ", "proto:\u00a0"} {
		err := jsonError(data, errors.New(prefix+text), m.ProtoReflect().Descriptor())
		if !strings.HasPrefix(err.Error(), `captureMethod: "MANUAL" is not a CaptureMethod value`) {
			t.Errorf("prefix %q: %v", prefix, err)
		}
	}
}

func TestJSONPathAt(t *testing.T) {
	data := `{"a": 1, "customer": {"id": "c1", "nickname": "x"}, "items": [{"n": 1}, {"bad": true}]}`
	for _, tc := range []struct{ at, want string }{
		{`"a"`, "a"},
		{`"nickname"`, "customer.nickname"},
		{`"x"`, "customer.nickname"},
		{`"bad"`, "items[1].bad"},
		{`"c1"`, "customer.id"},
	} {
		off := strings.Index(data, tc.at)
		if got := jsonPathAt([]byte(data), off); got != tc.want {
			t.Errorf("jsonPathAt(%s) = %q, want %q", tc.at, got, tc.want)
		}
	}
}
