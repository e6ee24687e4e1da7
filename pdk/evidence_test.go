package pdk

import (
	"maps"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// testEvidence is a slot table of the two shapes EvidenceSlots serves: a
// type with both fields, one with a file field only, one with a text field
// only, and the uncategorized fields for the rest.
var testEvidence = EvidenceSlots{Slots: map[v1.EvidenceType]EvidenceSlot{
	v1.EvidenceType_EVIDENCE_TYPE_REFUND_POLICY:       {File: "refund_policy", Text: "refund_policy_disclosure"},
	v1.EvidenceType_EVIDENCE_TYPE_RECEIPT:             {File: "receipt"},
	v1.EvidenceType_EVIDENCE_TYPE_PRODUCT_DESCRIPTION: {Text: "product_description"},
	v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED:       {File: "other_file", Text: "other_text"},
}, Other: EvidenceSlot{File: "other_file", Text: "other_text"}, Join: "\n\n", Processor: "Acme", Upload: "upload it to Acme first"}

func TestEvidenceSlotsFields(t *testing.T) {
	doc := func(typ v1.EvidenceType, file, text string) *v1.EvidenceDocument {
		return &v1.EvidenceDocument{Type: typ, ConnectorFileId: file, Text: text}
	}
	got, err := testEvidence.Fields([]*v1.EvidenceDocument{
		doc(v1.EvidenceType_EVIDENCE_TYPE_REFUND_POLICY, "file_1", " no refunds after 30 days "),
		doc(v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, "file_2", "paid in full"),
		doc(v1.EvidenceType_EVIDENCE_TYPE_PRODUCT_DESCRIPTION, "file_3", "a blue mug"),
		doc(v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, "", "shipped on time"),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"refund_policy": "file_1", "refund_policy_disclosure": "no refunds after 30 days",
		"receipt":             "file_2",
		"product_description": "a blue mug", "other_file": "file_3",
		// A text whose type has no text field is labelled; texts for one field are joined.
		"other_text": "Receipt: paid in full\n\nshipped on time",
	}
	if !maps.Equal(got, want) {
		t.Errorf("Fields = %q, want %q", got, want)
	}
}

func TestEvidenceSlotsRefusals(t *testing.T) {
	oneText := testEvidence
	oneText.Join = ""
	for _, tc := range []struct {
		name  string
		slots EvidenceSlots
		docs  []*v1.EvidenceDocument
		want  string
	}{
		{"unknown type", testEvidence, []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_SIGNATURE, Text: "x"}},
			"evidence[0].type: is not a known evidence type"},
		{"inline content", testEvidence, []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Content: []byte("%PDF")}},
			"evidence[0].connector_file_id: is required for files: upload it to Acme first; inline content is not supported"},
		{"empty", testEvidence, []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT}},
			"evidence[0]: has neither text nor connector_file_id"},
		{"second file", testEvidence, []*v1.EvidenceDocument{
			{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, ConnectorFileId: "file_1"},
			{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, ConnectorFileId: "file_2"}},
			"evidence[1].connector_file_id: Acme takes one file for evidence receipt: combine the documents"},
		{"second text without Join", oneText, []*v1.EvidenceDocument{
			{Type: v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, Text: "a"},
			{Type: v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, Text: "b"}},
			"evidence[1].text: Acme takes one text for evidence other_text: combine the texts"},
	} {
		got, err := tc.slots.Fields(tc.docs)
		e, ok := err.(*Error)
		if !ok || e.Message != tc.want {
			t.Errorf("%s: Fields = %q, %v; want the error %q", tc.name, got, err, tc.want)
		}
	}
}
