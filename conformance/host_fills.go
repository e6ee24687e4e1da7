package conformance

import "google.golang.org/protobuf/reflect/protoreflect"

// fillHTTPStatus sets a parsed response's connector_http_status to the
// fixture answer's status when the plugin left it unset, as the host's
// executor does before the caller sees the response (docs/plugin-abi.md,
// "What the host fills"): a fixture's expect_response is what the caller
// sees, and plugins no longer set the field themselves.
func fillHTTPStatus(m protoreflect.Message, status int) {
	if f := m.Descriptor().Fields().ByName("connector_http_status"); f != nil && f.Kind() == protoreflect.Int32Kind && m.Get(f).Int() == 0 {
		m.Set(f, protoreflect.ValueOfInt32(int32(status)))
	}
}
