package pdktest

import (
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/connectorhost/connector-host/pdk"
)

// echoHTTPStatus sets a response's connector_http_status to the processor's
// HTTP status when the plugin left it unset, as the host's executor does
// (plugins no longer set it themselves). It bridges pdktest's look-alike
// executor until pdktest runs the executor's own code path.
func echoHTTPStatus(m pdk.Message, status int) {
	r, ok := m.(interface{ ProtoReflect() protoreflect.Message })
	if !ok {
		return
	}
	msg := r.ProtoReflect()
	if f := msg.Descriptor().Fields().ByName("connector_http_status"); f != nil && f.Kind() == protoreflect.Int32Kind && msg.Get(f).Int() == 0 {
		msg.Set(f, protoreflect.ValueOfInt32(int32(status)))
	}
}
