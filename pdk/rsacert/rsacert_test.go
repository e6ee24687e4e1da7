package rsacert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"
)

func makeCert(t *testing.T, cn string, pub any, parent *x509.Certificate, signer any, ca bool) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA: ca, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		DNSNames: []string{cn}}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pemOf(cs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range cs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

func TestParseAndChain(t *testing.T) {
	rootKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	leafKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	otherKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	root := makeCert(t, "root", &rootKey.PublicKey, nil, rootKey, true)
	leaf := makeCert(t, "leaf", &leafKey.PublicKey, root, rootKey, false)
	impostor := makeCert(t, "root", &otherKey.PublicKey, nil, otherKey, true)
	forged := makeCert(t, "leaf", &leafKey.PublicKey, impostor, otherKey, false)

	cs, err := ParsePEM(pemOf(leaf, root))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Key.N.Cmp(leafKey.N) != 0 || cs[0].Key.E != leafKey.E {
		t.Fatalf("parsed key differs from the certificate's")
	}
	if !cs[0].NotBefore.Equal(leaf.NotBefore) || !cs[0].NotAfter.Equal(leaf.NotAfter) {
		t.Errorf("validity %v..%v, want %v..%v", cs[0].NotBefore, cs[0].NotAfter, leaf.NotBefore, leaf.NotAfter)
	}
	if !cs[0].ValidAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || cs[0].ValidAt(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ValidAt is wrong")
	}
	if err := cs[0].CheckSignatureFrom(cs[1]); err != nil {
		t.Errorf("genuine chain refused: %v", err)
	}
	if cs[0].Subject.CommonName != "leaf" || cs[1].Subject.CommonName != "root" {
		t.Errorf("subjects %q, %q; want leaf, root", cs[0].Subject.CommonName, cs[1].Subject.CommonName)
	}
	if cs[0].IsCA || !cs[1].IsCA {
		t.Errorf("IsCA leaf=%v root=%v; want false, true", cs[0].IsCA, cs[1].IsCA)
	}
	if !cs[1].Equal(cs[1]) || cs[0].Equal(cs[1]) {
		t.Errorf("Equal is wrong")
	}
	if err := cs[1].CheckSignatureFrom(cs[0]); err == nil {
		t.Errorf("root accepted as signed by the leaf")
	}
	f, err := ParsePEM(pemOf(forged))
	if err != nil {
		t.Fatal(err)
	}
	if err := f[0].CheckSignatureFrom(cs[1]); err == nil {
		t.Errorf("certificate signed by another key accepted")
	}
}

func TestParseRefuses(t *testing.T) {
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec := makeCert(t, "ec", &ecKey.PublicKey, nil, ecKey, true)
	smallKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	small := makeCert(t, "small", &smallKey.PublicKey, nil, smallKey, true)
	for name, in := range map[string][]byte{
		"empty":    nil,
		"not pem":  []byte("hello"),
		"garbage":  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x03, 0x02, 0x01}}),
		"ecdsa":    pemOf(ec),
		"1024-bit": pemOf(small),
	} {
		if _, err := ParsePEM(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
