package pdk_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

const keyURL = "https://keys.processor.test/key.pem"

// documentConnector verifies a webhook when the document at keyURL was
// fetched with status 200 and equals the "key" header; it asks for as many
// URLs as the "ask" header says (for the limit).
func documentConnector() *pdk.Connector {
	return &pdk.Connector{
		Manifest: &v1.Manifest{Name: "docs", Version: "1.0.0", SandboxBaseUrl: "https://api.processor.test",
			EgressHosts: []string{"api.processor.test", "keys.processor.test"}, Webhooks: &v1.WebhookSupport{}},
		VerifyWebhook: func(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
			if pdk.Header(w.GetHeaders(), "ask") == "many" {
				return nil, pdk.NeedDocuments(keyURL, keyURL+"2", keyURL+"3", keyURL+"4", keyURL+"5")
			}
			d, ok := c.Document(keyURL)
			if !ok {
				return nil, pdk.NeedDocuments(keyURL)
			}
			if d.Status != 200 || string(d.Body) != pdk.Header(w.GetHeaders(), "key") {
				return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "status %d", d.Status)
			}
			return &pluginv1.VerifiedWebhook{Events: []*v1.Event{{EventId: "evt_1", Verified: true}}}, nil
		},
		ParseWebhook: func(*pdk.Context, *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
			return nil, pdk.NeedDocuments(keyURL)
		},
	}
}

func keyed(key string) *v1.WebhookRequest {
	return &v1.WebhookRequest{Headers: []*v1.HttpHeader{{Name: "key", Value: key}}}
}

func TestVerifyWebhookAsksForDocumentsThenReadsThem(t *testing.T) {
	kit := pdktest.New(documentConnector())
	out, err := kit.VerifyWebhook(&pluginv1.VerifyWebhookInput{Webhook: keyed("k1")})
	require.NoError(t, err)
	assert.Equal(t, []string{keyURL}, out.GetNeedDocuments().GetUrls())

	out, asked, err := pdktest.VerifyWithDocuments(kit, &pluginv1.VerifyWebhookInput{Webhook: keyed("k1")}, map[string][]byte{keyURL: []byte("k1")})
	require.NoError(t, err)
	assert.Equal(t, []string{keyURL}, asked)
	assert.Equal(t, "evt_1", out.GetVerified().GetEvents()[0].GetEventId())

	out, _, err = pdktest.VerifyWithDocuments(kit, &pluginv1.VerifyWebhookInput{Webhook: keyed("k2")}, map[string][]byte{keyURL: []byte("k1")})
	require.NoError(t, err)
	assert.Nil(t, out.GetVerified(), "another key is refused")

	out, _, err = pdktest.VerifyWithDocuments(kit, &pluginv1.VerifyWebhookInput{Webhook: keyed("")}, nil)
	require.NoError(t, err)
	assert.Equal(t, "status 404", out.GetRejection().GetMessage(), "a document the host could not get is seen as a 404")
}

func TestNeedDocumentsLimits(t *testing.T) {
	kit := pdktest.New(documentConnector())
	out, err := kit.VerifyWebhook(&pluginv1.VerifyWebhookInput{Webhook: &v1.WebhookRequest{Headers: []*v1.HttpHeader{{Name: "ask", Value: "many"}}}})
	require.NoError(t, err)
	assert.Nil(t, out.GetNeedDocuments())
	assert.Contains(t, out.GetError().GetMessage(), "5 documents")

	out, err = kit.VerifyWebhook(&pluginv1.VerifyWebhookInput{Webhook: keyed("k1"), ParseOnly: true})
	require.NoError(t, err)
	assert.Nil(t, out.GetNeedDocuments(), "a parse-only call never asks the host to fetch")
	assert.Contains(t, out.GetError().GetMessage(), "never fetches")
}
