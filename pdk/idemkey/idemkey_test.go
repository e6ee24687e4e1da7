package idemkey

import (
	"strings"
	"testing"
)

func TestDeriveKeepsShortKeys(t *testing.T) {
	if got := Derive("pay", "order_1", 45); got != "pay:order_1" {
		t.Fatalf("Derive = %q, want pay:order_1", got)
	}
}

func TestDeriveHashesLongIDsWithinLimit(t *testing.T) {
	id := strings.Repeat("x", 64)
	got := Derive("refund", id, 45)
	if len(got) != 45 || !strings.HasPrefix(got, "refund:") {
		t.Fatalf("Derive = %q (%d bytes), want 45 bytes with the refund: prefix", got, len(got))
	}
	if again := Derive("refund", id, 45); again != got {
		t.Fatalf("Derive is not deterministic: %q then %q", got, again)
	}
	if other := Derive("refund", id[:63]+"y", 45); other == got {
		t.Fatalf("two ids gave the same key %q", got)
	}
	if Derive("pay", id, 45) == Derive("refund", id, 45) {
		t.Fatal("two operations on one id gave the same key")
	}
}

func TestDeriveTinyLimit(t *testing.T) {
	if got := Derive("op", strings.Repeat("z", 10), 1); !strings.HasPrefix(got, "op:") || len(got) != 4 {
		t.Fatalf("Derive with a tiny limit = %q, want op: and one hex digit", got)
	}
}
