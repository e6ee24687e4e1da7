// Package sigauth implements the T-0 Network request signature: every request
// body is signed with secp256k1 ECDSA (RFC 6979 deterministic k, low-S) over
// keccak256(body || uint64le(timestamp_ms)), carried in the X-Signature,
// X-Signature-Timestamp and X-Public-Key headers. It verifies inbound requests
// (Middleware) and signs outbound ones (Transport).
package sigauth

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"golang.org/x/crypto/sha3"
)

// Header names of the protocol.
const (
	HeaderSignature = "X-Signature"
	HeaderTimestamp = "X-Signature-Timestamp"
	HeaderPublicKey = "X-Public-Key"
)

// Digest is keccak256(body || uint64le(timestampMs)), the 32 bytes signed.
func Digest(body []byte, timestampMs uint64) [32]byte {
	h := sha3.NewLegacyKeccak256()
	h.Write(body)
	var ts [8]byte
	binary.LittleEndian.PutUint64(ts[:], timestampMs)
	h.Write(ts[:])
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// Sign returns the 65-byte signature r || s || v over Digest(body, timestampMs):
// RFC 6979 deterministic k, low-S; v is the recovery id (0 or 1), which
// verifiers ignore.
func Sign(key *secp256k1.PrivateKey, body []byte, timestampMs uint64) []byte {
	d := Digest(body, timestampMs)
	// SignCompact is RFC 6979 and canonical (low-S); its first byte is
	// 27 + recovery id (+4 for a compressed key).
	compact := ecdsa.SignCompact(key, d[:], false)
	sig := make([]byte, 65)
	copy(sig, compact[1:])
	sig[64] = compact[0] - 27
	return sig
}

// Verify reports whether sig (64 bytes r || s, or 65 with a recovery byte that
// is ignored) is a valid signature by pub over Digest(body, timestampMs).
// r and s must be in [1, n-1].
func Verify(pub *secp256k1.PublicKey, body []byte, timestampMs uint64, sig []byte) bool {
	if pub == nil || (len(sig) != 64 && len(sig) != 65) {
		return false
	}
	var r, s secp256k1.ModNScalar
	if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:64]) || r.IsZero() || s.IsZero() {
		return false
	}
	d := Digest(body, timestampMs)
	return ecdsa.NewSignature(&r, &s).Verify(d[:], pub)
}

// ParsePrivateKey parses a 32-byte hex private key (an optional 0x prefix is
// allowed).
func ParsePrivateKey(s string) (*secp256k1.PrivateKey, error) {
	b, err := decodeHex(s)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	if len(b) != 32 {
		return nil, fmt.Errorf("private key: want 32 bytes, got %d", len(b))
	}
	k := secp256k1.PrivKeyFromBytes(b)
	if k.Key.IsZero() {
		return nil, errors.New("private key: zero")
	}
	return k, nil
}

// ParsePublicKey parses a hex secp256k1 public key, uncompressed (65 bytes) or
// compressed (33 bytes), with or without a 0x prefix.
func ParsePublicKey(s string) (*secp256k1.PublicKey, error) {
	b, err := decodeHex(s)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	k, err := secp256k1.ParsePubKey(b)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	return k, nil
}

// FormatPublicKey is the canonical form of a public key: uncompressed, hex,
// 0x-prefixed, the form the registry stores and the X-Public-Key header
// carries.
func FormatPublicKey(k *secp256k1.PublicKey) string {
	return "0x" + hex.EncodeToString(k.SerializeUncompressed())
}

func decodeHex(s string) ([]byte, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not hex: %w", err)
	}
	return b, nil
}

func keccak(b []byte) []byte {
	h := sha3.NewLegacyKeccak256()
	h.Write(b)
	return h.Sum(nil)
}
