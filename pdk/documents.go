package pdk

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/internal/textf"
)

// MaxDocuments is how many documents one verify_webhook call may ask the
// host for (the host refuses more).
const MaxDocuments = 4

// DocumentsRequired asks the host to fetch documents (e.g. a webhook signing
// certificate) and run VerifyWebhook again with them. Build it with
// NeedDocuments.
type DocumentsRequired struct {
	URLs []string
}

func (d *DocumentsRequired) Error() string {
	return textf.Sprintf("documents required first: %v", d.URLs)
}

// NeedDocuments returns an error telling the host to fetch urls and call
// VerifyWebhook again, where c.Document reads them:
//
//	body, ok := c.Document(certURL)
//	if !ok {
//		return nil, pdk.NeedDocuments(certURL)
//	}
//
// Each URL must be https on a host of the manifest's egress_hosts. The host
// asks again at most once per webhook: a plugin that still lacks a document
// on the second call gets an error, never a loop.
func NeedDocuments(urls ...string) *DocumentsRequired {
	return &DocumentsRequired{URLs: urls}
}

// Document is a document the host fetched for this call.
type Document struct {
	// Status is the HTTP status the host received.
	Status int
	Body   []byte
}

// Document returns the document the host fetched for url (as the plugin
// asked for it with NeedDocuments), and false when the host gave none:
// then ask for it with NeedDocuments. Check Status before trusting Body.
func (c *Context) Document(url string) (Document, bool) {
	for _, d := range c.documents {
		if d.GetUrl() == url {
			return Document{Status: int(d.GetStatus()), Body: d.GetBody()}, true
		}
	}
	return Document{}, false
}

// withDocuments gives c the documents of a verify_webhook input.
func (c *Context) withDocuments(docs []*pluginv1.FetchedDocument) *Context {
	c.documents = docs
	return c
}
