package pdktest

import (
	"fmt"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
)

// VerifyWithDocuments runs verify_webhook on the Kit t the way the host does when the
// plugin asks for documents: when the answer is NeedDocuments, it calls again
// once with each asked URL's body from docs (a URL docs lacks answers 404
// with an empty body). A second NeedDocuments is an error, as on the host.
// asked lists the URLs the plugin asked for (nil when it asked for none), so
// tests can prove a refused webhook fetched nothing.
func VerifyWithDocuments(t *Kit, in *pluginv1.VerifyWebhookInput, docs map[string][]byte) (out *pluginv1.VerifyWebhookOutput, asked []string, err error) {
	out, err = t.VerifyWebhook(in)
	if err != nil {
		return nil, nil, err
	}
	need := out.GetNeedDocuments()
	if need == nil {
		return out, nil, nil
	}
	asked = need.GetUrls()
	again := in.CloneVT()
	again.Documents = nil
	for _, u := range asked {
		d := &pluginv1.FetchedDocument{Url: u, Status: 404}
		if b, ok := docs[u]; ok {
			d.Status, d.Body = 200, b
		}
		again.Documents = append(again.Documents, d)
	}
	out, err = t.VerifyWebhook(again)
	if err != nil {
		return nil, asked, err
	}
	if n := out.GetNeedDocuments(); n != nil {
		return nil, asked, fmt.Errorf("verify_webhook asked for documents %v again after receiving them", n.GetUrls())
	}
	return out, asked, nil
}
