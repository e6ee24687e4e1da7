package hexstr

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func check(t *testing.T, s string) {
	t.Helper()
	got, err := DecodeString(s)
	want, werr := hex.DecodeString(s)
	if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
		t.Fatalf("DecodeString(%q) error %v, encoding/hex's %v", s, err, werr)
	}
	if err == nil && !bytes.Equal(got, want) {
		t.Fatalf("DecodeString(%q) = %x, encoding/hex gives %x", s, got, want)
	}
}

func TestEveryByte(t *testing.T) {
	for b := 0; b < 256; b++ {
		one := []byte{byte(b)}
		if got, want := EncodeToString(one), hex.EncodeToString(one); got != want {
			t.Errorf("EncodeToString(%x) = %q, encoding/hex gives %q", one, got, want)
		}
		for _, s := range []string{string(one), "0" + string(one), string(one) + "0", "ab" + string(one), "AB" + string(one) + "f"} {
			check(t, s)
		}
	}
	check(t, "")
	check(t, "00ff7FAa")
}

func FuzzDecodeString(f *testing.F) {
	f.Add("deadBEEF")
	f.Add("abc")
	f.Add("zz")
	f.Fuzz(func(t *testing.T, s string) {
		check(t, s)
		if got, want := EncodeToString([]byte(s)), hex.EncodeToString([]byte(s)); got != want {
			t.Fatalf("EncodeToString(%q) = %q, encoding/hex gives %q", s, got, want)
		}
	})
}
