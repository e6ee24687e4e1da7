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
