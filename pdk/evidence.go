package pdk

import (
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// EvidenceSlot is where a processor takes one unified evidence type: the
// field for an uploaded file's id and the field for text ("" when it has
// none for the type).
type EvidenceSlot struct{ File, Text string }

// EvidenceSlots maps dispute evidence documents to the flat evidence fields
// of a processor whose disputes take, per kind of evidence, the id of a file
// uploaded beforehand and/or a text: Stripe's evidence hash (receipt,
// refund_policy_disclosure, ...). Checkout.com's ProvideEvidenceRequest
// (<stem>_file and <stem>_text) looks alike but keeps its own code: it
// takes connector_evidence_type as the field, limits texts to 500
// characters, sends texts untrimmed and unlabelled, and words its errors
// otherwise.
type EvidenceSlots struct {
	// Slots are the fields by unified type; a type not listed is refused.
	Slots map[v1.EvidenceType]EvidenceSlot
	// Other takes a file or text whose type's slot has no field for it; a
	// text there is labelled with its type ("Product description: ...").
	Other EvidenceSlot
	// Join joins the texts of one field; "" refuses a second text for it.
	Join string
	// Processor names the processor in messages; Upload says how to get a
	// file id ("upload the file to ... first"), for a document that carries
	// inline content instead.
	Processor, Upload string
}

// Fields returns the evidence field values of docs: a file's id (one per
// field: a second is refused, the processor keeps one) and texts (trimmed;
// several for one field joined by Join). A document needs a file id or a
// text. Errors are InvalidRequest naming evidence[i] and its member.
func (s EvidenceSlots) Fields(docs []*v1.EvidenceDocument) (map[string]string, error) {
	out := map[string]string{}
	for i, d := range docs {
		field := "evidence[" + strconv.Itoa(i) + "]"
		slot, ok := s.Slots[d.GetType()]
		switch {
		case !ok:
			return nil, InvalidRequest(field+".type", "is not a known evidence type")
		case d.GetConnectorFileId() == "" && d.GetText() == "" && len(d.GetContent()) > 0:
			return nil, InvalidRequest(field+".connector_file_id", "is required for files: "+s.Upload+"; inline content is not supported")
		case d.GetConnectorFileId() == "" && d.GetText() == "":
			return nil, InvalidRequest(field, "has neither text nor connector_file_id")
		}
		if id := d.GetConnectorFileId(); id != "" {
			name := First(slot.File, s.Other.File)
			if _, dup := out[name]; dup {
				return nil, InvalidRequest(field+".connector_file_id", s.Processor+" takes one file for evidence "+name+": combine the documents")
			}
			out[name] = id
		}
		if text := strings.TrimSpace(d.GetText()); text != "" {
			name := slot.Text
			if name == "" {
				label := strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(d.GetType().String(), "EVIDENCE_TYPE_")), "_", " ")
				name, text = s.Other.Text, strings.ToUpper(label[:1])+label[1:]+": "+text
			}
			if prev, ok := out[name]; ok && s.Join == "" {
				return nil, InvalidRequest(field+".text", s.Processor+" takes one text for evidence "+name+": combine the texts")
			} else if ok {
				text = prev + s.Join + text
			}
			out[name] = text
		}
	}
	return out, nil
}
