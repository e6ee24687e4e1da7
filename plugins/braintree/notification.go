package braintree

import (
	"bytes"

	"github.com/connectorhost/connector-host/third_party/goxml"
)

// notification is the decoded bt_payload: the elements of the root
// element the plugin reads (any other is skipped).
type notification struct {
	Kind      string // <kind>
	Timestamp string // <timestamp>
	Subject   struct {
		Transaction *xmlTransaction // <subject><transaction>
		Dispute     *xmlDispute     // <subject><dispute>
	}
}

// xmlTransaction is a <transaction> element.
type xmlTransaction struct {
	ID       string // <id>
	Status   string // <status>
	Amount   string // <amount>
	Currency string // <currency-iso-code>
	OrderID  string // <order-id>
	Account  string // <merchant-account-id>
}

// xmlDispute is a <dispute> element.
type xmlDispute struct {
	ID          string         // <id>
	Amount      string         // <amount>
	Currency    string         // <currency-iso-code>
	Status      string         // <status>
	Reason      string         // <reason>
	ReasonCode  string         // <reason-code>
	Kind        string         // <kind>
	ReplyBy     string         // <reply-by-date>
	Account     string         // <merchant-account-id>
	Transaction xmlTransaction // <transaction>
}

// decodeNotification decodes a notification as encoding/xml's
// Decoder.Decode does into the same struct with xml tags (the plugin does
// not link encoding/xml, which brings fmt and reflect): the first element
// is the root whatever its name; children match by local name; a string
// is the character data directly inside its element, the last one wins;
// a repeated element fills the same struct; malformed XML up to the root's
// end is an error (the tokenizer is encoding/xml's, third_party/goxml).
func decodeNotification(raw []byte) (notification, error) {
	var n notification
	d := goxml.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := d.Token()
		if err != nil {
			return n, err
		}
		if _, ok := tok.(goxml.StartElement); ok {
			break
		}
	}
	err := children(d, func(name string) error {
		switch name {
		case "kind":
			return text(d, &n.Kind)
		case "timestamp":
			return text(d, &n.Timestamp)
		case "subject":
			return children(d, func(name string) error {
				switch name {
				case "transaction":
					if n.Subject.Transaction == nil {
						n.Subject.Transaction = new(xmlTransaction)
					}
					return decodeTransaction(d, n.Subject.Transaction)
				case "dispute":
					if n.Subject.Dispute == nil {
						n.Subject.Dispute = new(xmlDispute)
					}
					return decodeDispute(d, n.Subject.Dispute)
				}
				return skip(d)
			})
		}
		return skip(d)
	})
	return n, err
}

func decodeTransaction(d *goxml.Decoder, t *xmlTransaction) error {
	return children(d, func(name string) error {
		switch name {
		case "id":
			return text(d, &t.ID)
		case "status":
			return text(d, &t.Status)
		case "amount":
			return text(d, &t.Amount)
		case "currency-iso-code":
			return text(d, &t.Currency)
		case "order-id":
			return text(d, &t.OrderID)
		case "merchant-account-id":
			return text(d, &t.Account)
		}
		return skip(d)
	})
}

func decodeDispute(d *goxml.Decoder, p *xmlDispute) error {
	return children(d, func(name string) error {
		switch name {
		case "id":
			return text(d, &p.ID)
		case "amount":
			return text(d, &p.Amount)
		case "currency-iso-code":
			return text(d, &p.Currency)
		case "status":
			return text(d, &p.Status)
		case "reason":
			return text(d, &p.Reason)
		case "reason-code":
			return text(d, &p.ReasonCode)
		case "kind":
			return text(d, &p.Kind)
		case "reply-by-date":
			return text(d, &p.ReplyBy)
		case "merchant-account-id":
			return text(d, &p.Account)
		case "transaction":
			return decodeTransaction(d, &p.Transaction)
		}
		return skip(d)
	})
}

// children calls child with the local name of each child element of the
// element just started (child reads up to that element's end) and
// returns at the element's end.
func children(d *goxml.Decoder, child func(local string) error) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case goxml.StartElement:
			if err := child(t.Name.Local); err != nil {
				return err
			}
		case goxml.EndElement:
			return nil
		}
	}
}

// text sets *s to the character data directly inside the element just
// started, skipping its child elements.
func text(d *goxml.Decoder, s *string) error {
	var b []byte
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case goxml.CharData:
			b = append(b, t...)
		case goxml.StartElement:
			if err := skip(d); err != nil {
				return err
			}
		case goxml.EndElement:
			*s = string(b)
			return nil
		}
	}
}

// skip reads up to the end of the element just started.
func skip(d *goxml.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case goxml.StartElement:
			depth++
		case goxml.EndElement:
			depth--
		}
	}
	return nil
}
