//go:build !wasip1

package stripe_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/connectorhost/connector-host/plugins/stripe"
)

// A huge or non-object answer is refused before parsing, so it cannot
// exhaust the sandbox's memory.
func TestOversizedAndNonObjectAnswersAreRefused(t *testing.T) {
	huge := []byte(`{"id":"pi_1","object":"payment_intent","pad":"` + strings.Repeat("x", 300<<10) + `"}`)
	for name, body := range map[string][]byte{"huge": huge, "array": []byte(`["succeeded"]`)} {
		res, err := conformancetest.Run(stripe.New(), pdktest.Call{
			Flow: v1.Flow_FLOW_GET, Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pi_1"},
			Credentials: map[string]string{"api_key": "sk_test_123"}, Status: 200, Body: body,
		})
		require.NoError(t, err, name)
		require.NotNil(t, res.ParseError, name)
		assert.Equal(t, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, res.ParseError.GetKind(), name)
	}
}
