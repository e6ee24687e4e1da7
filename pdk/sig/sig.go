// Package sig holds the signature helpers webhook verifiers need: HMAC-SHA256
// in hex and base64, and constant-time comparison. Always compare signatures
// with Equal or EqualString, never with == or bytes.Equal.
package sig

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// HMACSHA256 returns HMAC-SHA256(key, msg).
func HMACSHA256(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// HMACSHA256Hex returns HMAC-SHA256(key, msg) as lower-case hex.
func HMACSHA256Hex(key, msg []byte) string { return hex.EncodeToString(HMACSHA256(key, msg)) }

// HMACSHA256Base64 returns HMAC-SHA256(key, msg) as standard base64.
func HMACSHA256Base64(key, msg []byte) string {
	return base64.StdEncoding.EncodeToString(HMACSHA256(key, msg))
}

// SHA256Hex returns the SHA-256 of b as lower-case hex.
func SHA256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Equal compares two MACs in constant time.
func Equal(a, b []byte) bool { return hmac.Equal(a, b) }

// EqualString compares two signature strings in constant time (their lengths may leak).
func EqualString(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
