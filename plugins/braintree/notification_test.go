//go:build !wasip1

package braintree

import (
	"bytes"
	"encoding/xml"
	"math/rand/v2"
	"reflect"
	"testing"
)

// xmlNotification is the struct the plugin decoded with encoding/xml
// before decodeNotification; the tests hold them equal.
type xmlNotification struct {
	Kind      string `xml:"kind"`
	Timestamp string `xml:"timestamp"`
	Subject   struct {
		Transaction *xmlTransactionTags `xml:"transaction"`
		Dispute     *struct {
			ID          string             `xml:"id"`
			Amount      string             `xml:"amount"`
			Currency    string             `xml:"currency-iso-code"`
			Status      string             `xml:"status"`
			Reason      string             `xml:"reason"`
			ReasonCode  string             `xml:"reason-code"`
			Kind        string             `xml:"kind"`
			ReplyBy     string             `xml:"reply-by-date"`
			Account     string             `xml:"merchant-account-id"`
			Transaction xmlTransactionTags `xml:"transaction"`
		} `xml:"dispute"`
	} `xml:"subject"`
}

type xmlTransactionTags struct {
	ID       string `xml:"id"`
	Status   string `xml:"status"`
	Amount   string `xml:"amount"`
	Currency string `xml:"currency-iso-code"`
	OrderID  string `xml:"order-id"`
	Account  string `xml:"merchant-account-id"`
}

// stdDecode is what encoding/xml's Decode gives, as a notification.
func stdDecode(raw []byte) (notification, error) {
	var x xmlNotification
	err := xml.NewDecoder(bytes.NewReader(raw)).Decode(&x)
	n := notification{Kind: x.Kind, Timestamp: x.Timestamp}
	if t := x.Subject.Transaction; t != nil {
		v := xmlTransaction(*t)
		n.Subject.Transaction = &v
	}
	if p := x.Subject.Dispute; p != nil {
		n.Subject.Dispute = &xmlDispute{ID: p.ID, Amount: p.Amount, Currency: p.Currency, Status: p.Status,
			Reason: p.Reason, ReasonCode: p.ReasonCode, Kind: p.Kind, ReplyBy: p.ReplyBy, Account: p.Account,
			Transaction: xmlTransaction(p.Transaction)}
	}
	return n, err
}

func checkDecode(t *testing.T, raw []byte) {
	t.Helper()
	got, err := decodeNotification(raw)
	want, werr := stdDecode(raw)
	if (err == nil) != (werr == nil) {
		t.Fatalf("decodeNotification(%q) error %v, encoding/xml's %v", raw, err, werr)
	}
	if err != nil {
		if err.Error() != werr.Error() {
			t.Fatalf("decodeNotification(%q) error %q, encoding/xml's %q", raw, err, werr)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeNotification(%q) = %+v, encoding/xml gives %+v", raw, got, want)
	}
}

var notificationSamples = []string{
	settledXML,
	`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<notification>
  <kind>dispute_opened</kind>
  <timestamp type="datetime">2026-01-02T03:04:05Z</timestamp>
  <subject>
    <dispute>
      <id>dp_1</id><amount>250.00</amount><currency-iso-code>EUR</currency-iso-code>
      <status>open</status><reason>fraud</reason><kind>chargeback</kind><reply-by-date type="date">2026-02-01</reply-by-date>
      <transaction><id>tx_1</id><amount>250.00</amount><order-id nil="true"/></transaction>
    </dispute>
  </subject>
</notification>`,
	`<!-- c --><!DOCTYPE notification><n xmlns:bt="urn:bt"><bt:kind>a&amp;b&#65;&#x42;<x>skip<y/></x>c</bt:kind><kind><![CDATA[<raw>]]></kind></n>trailing <junk`,
	`<n><subject><transaction><id>1</id></transaction><transaction><status>s</status></transaction><dispute/></subject></n>`,
	"<n><kind>a\r\nb\rc</kind><timestamp>t</timestamp><timestamp/></n>",
	`<?xml version="1.1"?><n/>`, `<?xml version="1.0" encoding="ISO-8859-1"?><n/>`, `<n><kind>&bogus;</kind></n>`,
	`<n><kind>x</kinds></n>`, `<n a=b/>`, `<n a/>`, `<n a="<"/>`, "<n>\x01</n>", "<n>\xff</n>", `<n>]]></n>`, ``, `text only`,
	`</n>`, `<n>`, `<n><subject>`, `<a:b:c/>`, `<n><kind>&#xD800;</kind></n>`, `<n><kind>&#1114112;</kind></n>`, `<n><kind>&amp</kind></n>`,
}

func TestDecodeNotificationMatchesEncodingXML(t *testing.T) {
	for _, s := range notificationSamples {
		checkDecode(t, []byte(s))
	}
	// Mutations of the samples: a byte dropped, duplicated or replaced by
	// one that matters to XML.
	r := rand.New(rand.NewPCG(5, 6))
	const special = "<>/&;=\"'![]-?x \r\n\x00\xc3"
	for range 30000 {
		b := []byte(notificationSamples[r.IntN(2)])
		for range 1 + r.IntN(3) {
			if len(b) == 0 {
				break
			}
			i := r.IntN(len(b))
			switch r.IntN(3) {
			case 0:
				b = append(b[:i:i], b[i+1:]...)
			case 1:
				b = append(b[:i+1:i+1], b[i:]...)
			default:
				b[i] = special[r.IntN(len(special))]
			}
		}
		checkDecode(t, b)
	}
}

func FuzzDecodeNotification(f *testing.F) {
	for _, s := range notificationSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkDecode(t, raw)
	})
}
