// Package sig holds the signature helpers webhook verifiers need: digests,
// HMACs in hex and base64, certificate-backed signatures, and constant-time
// comparison. Always compare signatures with Equal or EqualString, never
// with == or bytes.Equal.
//
// In a WebAssembly plugin the hashing and certificate checks are the host's
// crypto functions (abi.CryptoModule), so a plugin links none of Go's crypto
// packages; run natively (tests, the conformance suite's native path) the
// same functions run in-process (abi/hostcrypto), with the same results.
package sig

import (
	"encoding/base64"
	"errors"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/internal/hexstr"
)

// HMAC returns HMAC(key, msg) over alg. It panics on an algorithm the ABI
// does not define (a programming error: use the abi constants).
func HMAC(alg abi.HashAlgorithm, key, msg []byte) []byte {
	d, ok := hmacSum(alg, key, msg)
	if !ok {
		panic("sig: unknown hash algorithm")
	}
	return d
}

// Digest returns the alg digest of msg. It panics like HMAC.
func Digest(alg abi.HashAlgorithm, msg []byte) []byte {
	d, ok := digest(alg, msg)
	if !ok {
		panic("sig: unknown hash algorithm")
	}
	return d
}

// HMACSHA256 returns HMAC-SHA256(key, msg).
func HMACSHA256(key, msg []byte) []byte { return HMAC(abi.SHA256, key, msg) }

// HMACSHA256Hex returns HMAC-SHA256(key, msg) as lower-case hex.
func HMACSHA256Hex(key, msg []byte) string { return hexstr.EncodeToString(HMACSHA256(key, msg)) }

// HMACSHA256Base64 returns HMAC-SHA256(key, msg) as standard base64.
func HMACSHA256Base64(key, msg []byte) string {
	return base64.StdEncoding.EncodeToString(HMACSHA256(key, msg))
}

// SHA256Hex returns the SHA-256 of b as lower-case hex.
func SHA256Hex(b []byte) string { return hexstr.EncodeToString(Digest(abi.SHA256, b)) }

// Equal compares two MACs in constant time (their lengths may leak).
func Equal(a, b []byte) bool { return constantTimeEqual(a, b) }

// EqualString compares two signature strings in constant time (their lengths may leak).
func EqualString(a, b string) bool { return constantTimeEqual(a, b) }

// constantTimeEqual looks at every byte whatever it finds. It is written
// here rather than taken from crypto/subtle because any crypto/... package
// brings Go's FIPS module into a plugin (pdk/link_test.go forbids them).
func constantTimeEqual[T string | []byte](a, b T) bool {
	if len(a) != len(b) {
		return false
	}
	var diff byte
	for i := 0; i < len(a); i++ {
		diff |= a[i] ^ b[i]
	}
	return diff == 0
}

// ErrCertificate is what VerifyCertificate's and CountCertificates' errors
// match (errors.Is).
var ErrCertificate = errors.New("certificate not accepted")

// certError is a certificate check's failure, as the host worded it.
type certError struct{ reason string }

func (e *certError) Error() string        { return e.reason }
func (e *certError) Is(target error) bool { return target == ErrCertificate }

// VerifyCertificate checks that the first PEM certificate of chain chains,
// through the others, to one of the PEM roots at now, in Unix seconds
// (validity, CA constraints and key usage as crypto/x509 checks them, on the
// host), and that its key made signature over msg under alg. It returns the leaf's
// subject common name, for the caller to check against the signer it
// expects. Each PEM input is at most abi.MaxCertificateInput bytes and a
// chain at most abi.MaxChainCertificates certificates.
func VerifyCertificate(chain, roots []byte, now int64, alg abi.SignatureAlgorithm, msg, signature []byte) (string, error) {
	cn, reason, ok := verifyCertificate(chain, roots, now, alg, msg, signature)
	if !ok {
		return "", &certError{reason}
	}
	return cn, nil
}

// CountCertificates returns how many PEM certificates pemText holds, or why
// VerifyCertificate could not use them (one does not parse, or there are
// more than abi.MaxChainCertificates).
func CountCertificates(pemText []byte) (int, error) {
	n, reason, ok := countCertificates(pemText)
	if !ok {
		return 0, &certError{reason}
	}
	return n, nil
}
