// Package secrets encrypts values at rest (connector credentials, outbound
// webhook signing secrets) with AES-256-GCM under a keyring read from the
// environment. The first key encrypts; every key decrypts, so a key is
// rotated by putting a new one first, re-encrypting (Ring.NeedsRotation
// tells which values still use an old key) and then dropping the old one.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// EnvKeys is the environment variable holding the keyring:
// "ID:BASE64KEY[,ID:BASE64KEY...]", each key 32 bytes, the first active.
const EnvKeys = "PAYMENTS_ENCRYPTION_KEYS"

var keyID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Ring is a set of AES-256-GCM keys; the first encrypts.
type Ring struct {
	active string
	aeads  map[string]cipher.AEAD
}

// Parse reads a keyring in EnvKeys' format. Errors name the key id, never
// the key.
func Parse(spec string) (*Ring, error) {
	r := &Ring{aeads: map[string]cipher.AEAD{}}
	for i, part := range strings.Split(spec, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || !keyID.MatchString(id) {
			return nil, fmt.Errorf("%s: entry %d is not ID:BASE64KEY", EnvKeys, i+1)
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("%s: key %q must be 32 bytes, standard base64", EnvKeys, id)
		}
		if _, dup := r.aeads[id]; dup {
			return nil, fmt.Errorf("%s: key id %q appears twice", EnvKeys, id)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("%s: key %q: %w", EnvKeys, id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("%s: key %q: %w", EnvKeys, id, err)
		}
		r.aeads[id] = aead
		if i == 0 {
			r.active = id
		}
	}
	return r, nil
}

// NewKey returns a fresh random key in EnvKeys' format under id.
func NewKey(id string) string {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return id + ":" + base64.StdEncoding.EncodeToString(k)
}

// Encrypt seals plaintext under the active key, bound to context (e.g. the
// row id, so a ciphertext cannot be moved to another row). The result is
// "ID:BASE64(nonce|ciphertext)".
func (r *Ring) Encrypt(plaintext []byte, context string) (string, error) {
	aead := r.aeads[r.active]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("encrypt: %w", err)
	}
	out := aead.Seal(nonce, nonce, plaintext, []byte(context))
	return r.active + ":" + base64.StdEncoding.EncodeToString(out), nil
}

// ErrDecrypt is returned for a value no key in the ring opens.
var ErrDecrypt = errors.New("cannot decrypt: unknown key id or tampered value")

// Decrypt opens a value Encrypt produced with context.
func (r *Ring) Decrypt(value, context string) ([]byte, error) {
	id, b64, ok := strings.Cut(value, ":")
	aead, known := r.aeads[id]
	if !ok || !known {
		return nil, ErrDecrypt
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) < aead.NonceSize() {
		return nil, ErrDecrypt
	}
	pt, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(context))
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// NeedsRotation reports whether value is encrypted under a key other than
// the active one.
func (r *Ring) NeedsRotation(value string) bool {
	id, _, _ := strings.Cut(value, ":")
	return id != r.active
}
