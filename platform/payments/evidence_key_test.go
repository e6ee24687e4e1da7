package payments

import (
	"strings"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// TestEvidenceKey: evidence sent again (a retry after no definite answer)
// carries the same idempotency key, so the processor does not record it
// twice; any difference in the dispute or a document gives another key,
// and moving bytes between fields is a difference.
func TestEvidenceKey(t *testing.T) {
	docs := func(text, file string, content []byte) []*v1.EvidenceDocument {
		return []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Text: text, FileName: file, MimeType: "application/pdf", Content: content}}
	}
	base := evidenceKey("dp_1", docs("shipped", "receipt.pdf", []byte("%PDF")))
	if again := evidenceKey("dp_1", docs("shipped", "receipt.pdf", []byte("%PDF"))); again != base {
		t.Fatalf("the same evidence: %s then %s", base, again)
	}
	if !strings.HasPrefix(base, "ev_") || len(base) != 27 {
		t.Errorf("key %q: want ev_ and 24 hex digits", base)
	}
	for name, other := range map[string]string{
		"another dispute":    evidenceKey("dp_2", docs("shipped", "receipt.pdf", []byte("%PDF"))),
		"another text":       evidenceKey("dp_1", docs("delivered", "receipt.pdf", []byte("%PDF"))),
		"another file":       evidenceKey("dp_1", docs("shipped", "receipt.pdf", []byte("%PDF-1.7"))),
		"bytes moved across": evidenceKey("dp_1", docs("shippedreceipt.pdf", "", []byte("%PDF"))),
		"another type":       evidenceKey("dp_1", []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, Text: "shipped", FileName: "receipt.pdf", MimeType: "application/pdf", Content: []byte("%PDF")}}),
		"one more document":  evidenceKey("dp_1", append(docs("shipped", "receipt.pdf", []byte("%PDF")), &v1.EvidenceDocument{Type: v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, Text: "x"})),
	} {
		if other == base {
			t.Errorf("%s: same key %s", name, base)
		}
	}
}
