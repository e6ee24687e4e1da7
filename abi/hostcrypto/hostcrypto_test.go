package hostcrypto_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/abi/hostcrypto"
)

// Published vectors: FIPS 180 "abc" digests and RFC 4231 / RFC 2202 test case 2.
func TestDigestAndHMACMatchPublishedVectors(t *testing.T) {
	msg, key, data := []byte("abc"), []byte("Jefe"), []byte("what do ya want for nothing?")
	for _, c := range []struct {
		alg          abi.HashAlgorithm
		digest, hmac string
	}{
		{abi.SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
		{abi.SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{abi.SHA384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
			"af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"},
		{abi.SHA512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
			"164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
	} {
		d, err := hostcrypto.Digest(nil, c.alg, msg)
		require.NoError(t, err)
		assert.Equal(t, c.digest, hex.EncodeToString(d), "digest %d", c.alg)
		m, err := hostcrypto.HMAC(nil, c.alg, key, data)
		require.NoError(t, err)
		assert.Equal(t, c.hmac, hex.EncodeToString(m), "hmac %d", c.alg)
		assert.LessOrEqual(t, len(d), abi.MaxDigestSize)
	}
	_, err := hostcrypto.Digest(nil, 99, msg)
	assert.ErrorIs(t, err, hostcrypto.ErrUnknownAlgorithm)
	_, err = hostcrypto.HMAC(nil, 0, key, msg)
	assert.ErrorIs(t, err, hostcrypto.ErrUnknownAlgorithm)
}

type testCA struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

func newCert(t *testing.T, cn string, parent *testCA, isCA bool, notAfter time.Time) *testCA {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: notAfter,
		BasicConstraintsValid: true, IsCA: isCA, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	require.NoError(t, err)
	c, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return &testCA{key: key, cert: c}
}

func pemOf(cs ...*testCA) []byte {
	var b []byte
	for _, c := range cs {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw})...)
	}
	return b
}

func TestVerifyCertificate(t *testing.T) {
	later := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	root := newCert(t, "Root", nil, true, later)
	mid := newCert(t, "Intermediate", root, true, later)
	leaf := newCert(t, "signer.example", mid, false, later)
	other := newCert(t, "Other Root", nil, true, later)
	expired := newCert(t, "expired.example", mid, false, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	notCA := newCert(t, "child.example", leaf, false, later)
	msg := []byte("transmission|time|webhook|crc")
	sum := sha256.Sum256(msg)
	sig, err := rsa.SignPKCS1v15(rand.Reader, leaf.key, crypto.SHA256, sum[:])
	require.NoError(t, err)

	cn, err := hostcrypto.VerifyCertificate(pemOf(leaf, mid), pemOf(root), now, abi.SHA256WithRSA, msg, sig)
	require.NoError(t, err)
	assert.Equal(t, "signer.example", cn)
	// The leaf itself pinned as the root.
	_, err = hostcrypto.VerifyCertificate(pemOf(leaf), pemOf(leaf), now, abi.SHA256WithRSA, msg, sig)
	assert.NoError(t, err)

	for name, c := range map[string]struct {
		chain, roots []byte
		at           time.Time
		alg          abi.SignatureAlgorithm
		msg          []byte
		want         string
	}{
		"another root":          {pemOf(leaf, mid), pemOf(other), now, abi.SHA256WithRSA, msg, "does not chain to a trusted root"},
		"missing intermediate":  {pemOf(leaf), pemOf(root), now, abi.SHA256WithRSA, msg, "does not chain to a trusted root"},
		"not yet valid":         {pemOf(leaf, mid), pemOf(root), time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), abi.SHA256WithRSA, msg, "does not chain"},
		"expired leaf":          {pemOf(expired, mid), pemOf(root), now, abi.SHA256WithRSA, msg, "does not chain"},
		"signer is not a CA":    {pemOf(notCA, leaf, mid), pemOf(root), now, abi.SHA256WithRSA, msg, "does not chain"},
		"message changed":       {pemOf(leaf, mid), pemOf(root), now, abi.SHA256WithRSA, []byte("other"), "signature does not match"},
		"another hash":          {pemOf(leaf, mid), pemOf(root), now, abi.SHA512WithRSA, msg, "signature does not match"},
		"unknown algorithm":     {pemOf(leaf, mid), pemOf(root), now, 42, msg, "unknown algorithm"},
		"garbage certificate":   {[]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), pemOf(root), now, abi.SHA256WithRSA, msg, "chain: certificate 1"},
		"no certificate":        {[]byte("hello"), pemOf(root), now, abi.SHA256WithRSA, msg, "chain: no PEM CERTIFICATE block"},
		"roots missing":         {pemOf(leaf, mid), nil, now, abi.SHA256WithRSA, msg, "roots: no PEM CERTIFICATE block"},
		"too many certificates": {pemOf(leaf, mid, mid, mid, mid, mid, mid, mid, mid), pemOf(root), now, abi.SHA256WithRSA, msg, "more than 8 certificates"},
		"too long":              {[]byte(strings.Repeat("x", abi.MaxCertificateInput+1)), pemOf(root), now, abi.SHA256WithRSA, msg, "at most 65536 are read"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := hostcrypto.VerifyCertificate(c.chain, c.roots, c.at, c.alg, c.msg, sig)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}

	n, err := hostcrypto.CountCertificates(pemOf(leaf, mid, root))
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	_, err = hostcrypto.CountCertificates([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	assert.ErrorContains(t, err, "PEM: certificate 1")
}
