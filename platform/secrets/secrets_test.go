package secrets_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/platform/secrets"
)

func TestRotation(t *testing.T) {
	k1, k2 := secrets.NewKey("k1"), secrets.NewKey("k2")
	old, err := secrets.Parse(k1)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := old.Encrypt([]byte(`{"api_key":"sk_test_x"}`), "mca_1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ct, "sk_test_x") {
		t.Fatal("ciphertext contains the plaintext")
	}
	rotated, err := secrets.Parse(k2 + "," + k1)
	if err != nil {
		t.Fatal(err)
	}
	if !rotated.NeedsRotation(ct) {
		t.Error("a value under k1 must need rotation once k2 is active")
	}
	pt, err := rotated.Decrypt(ct, "mca_1")
	if err != nil || string(pt) != `{"api_key":"sk_test_x"}` {
		t.Fatalf("decrypt after rotation = %q, %v", pt, err)
	}
	if _, err := rotated.Decrypt(ct, "mca_2"); !errors.Is(err, secrets.ErrDecrypt) {
		t.Errorf("a value moved to another row must not decrypt, got %v", err)
	}
	onlyNew, _ := secrets.Parse(k2)
	if _, err := onlyNew.Decrypt(ct, "mca_1"); !errors.Is(err, secrets.ErrDecrypt) {
		t.Errorf("dropped key must not decrypt, got %v", err)
	}
	for _, bad := range []string{"", "k1", "k1:c2hvcnQ=", "bad id:" + strings.Repeat("A", 44), k1 + "," + k1} {
		if _, err := secrets.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted a bad keyring", bad)
		} else if strings.Contains(err.Error(), strings.TrimPrefix(k1, "k1:")) {
			t.Errorf("error leaks the key: %v", err)
		}
	}
}
