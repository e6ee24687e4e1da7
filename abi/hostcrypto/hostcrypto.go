// Package hostcrypto implements the host's crypto functions of the plugin
// ABI (abi.CryptoModule) over Go's crypto packages. The host's sandbox serves
// them to WebAssembly plugins; the PDK calls the same code when a connector
// runs natively (tests, the conformance suite's native path), so a plugin
// gets the same answer either way. It belongs to neither host nor PDK.
//
// Guest code must not import this package: it links Go's crypto, which is
// what the host functions keep out of plugins.
package hostcrypto

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // SHA-1 HMAC is what Braintree signs webhooks with.
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"time"

	"github.com/connectorhost/connector-host/abi"
)

// ErrUnknownAlgorithm is returned for an algorithm number the ABI does not define.
var ErrUnknownAlgorithm = errors.New("unknown algorithm")

func newHash(alg abi.HashAlgorithm) func() hash.Hash {
	switch alg {
	case abi.SHA1:
		return sha1.New
	case abi.SHA256:
		return sha256.New
	case abi.SHA384:
		return sha512.New384
	case abi.SHA512:
		return sha512.New
	}
	return nil
}

// Digest appends the alg digest of msg to dst.
func Digest(dst []byte, alg abi.HashAlgorithm, msg []byte) ([]byte, error) {
	h := newHash(alg)
	if h == nil {
		return dst, fmt.Errorf("digest: %w %d", ErrUnknownAlgorithm, alg)
	}
	d := h()
	d.Write(msg)
	return d.Sum(dst), nil
}

// HMAC appends HMAC(key, msg) over alg to dst.
func HMAC(dst []byte, alg abi.HashAlgorithm, key, msg []byte) ([]byte, error) {
	h := newHash(alg)
	if h == nil {
		return dst, fmt.Errorf("hmac: %w %d", ErrUnknownAlgorithm, alg)
	}
	m := hmac.New(h, key)
	m.Write(msg)
	return m.Sum(dst), nil
}

var signatureAlgorithms = map[abi.SignatureAlgorithm]x509.SignatureAlgorithm{
	abi.SHA256WithRSA:   x509.SHA256WithRSA,
	abi.SHA384WithRSA:   x509.SHA384WithRSA,
	abi.SHA512WithRSA:   x509.SHA512WithRSA,
	abi.ECDSAWithSHA256: x509.ECDSAWithSHA256,
}

// VerifyCertificate checks that the first certificate of chainPEM chains, through the others, to
// one of rootsPEM at now (validity, CA constraints, key usage: crypto/x509's path verification),
// and that its key made sig over msg under alg. It returns the leaf's subject common name, which
// the caller checks against the signer it expects.
func VerifyCertificate(chainPEM, rootsPEM []byte, now time.Time, alg abi.SignatureAlgorithm, msg, sig []byte) (string, error) {
	algo, ok := signatureAlgorithms[alg]
	if !ok {
		return "", fmt.Errorf("signature %w %d", ErrUnknownAlgorithm, alg)
	}
	chain, err := parsePEM(chainPEM, "chain")
	if err != nil {
		return "", err
	}
	anchors, err := parsePEM(rootsPEM, "roots")
	if err != nil {
		return "", err
	}
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	for _, c := range anchors {
		roots.AddCert(c)
	}
	for _, c := range chain[1:] {
		intermediates.AddCert(c)
	}
	leaf := chain[0]
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: intermediates, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}); err != nil {
		return "", fmt.Errorf("certificate %q does not chain to a trusted root: %w", leaf.Subject.CommonName, err)
	}
	if err := leaf.CheckSignature(algo, msg, sig); err != nil {
		return "", fmt.Errorf("the signature does not match the key of certificate %q: %w", leaf.Subject.CommonName, err)
	}
	return leaf.Subject.CommonName, nil
}

// CountCertificates returns how many PEM certificates pemText holds, or why
// one of them (or the input) is not acceptable to VerifyCertificate.
func CountCertificates(pemText []byte) (int, error) {
	certs, err := parsePEM(pemText, "PEM")
	return len(certs), err
}

// parsePEM reads the CERTIFICATE blocks of b (what names it in errors),
// within the ABI's bounds.
func parsePEM(b []byte, what string) ([]*x509.Certificate, error) {
	if len(b) > abi.MaxCertificateInput {
		return nil, fmt.Errorf("%s: %d bytes of PEM; at most %d are read", what, len(b), abi.MaxCertificateInput)
	}
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		if blk, b = pem.Decode(b); blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		if len(out) == abi.MaxChainCertificates {
			return nil, fmt.Errorf("%s: more than %d certificates", what, abi.MaxChainCertificates)
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: certificate %d: %w", what, len(out)+1, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no PEM CERTIFICATE block", what)
	}
	return out, nil
}
