package registry

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// SignatureSuffix is appended to a plugin file's name to name its detached
// signature: NAME.wasm.sig holds the base64 ed25519 signature of the bytes
// of NAME.wasm (see `connector-host sign`).
const SignatureSuffix = ".sig"

// Sign returns the contents of a signature file for wasm.
func Sign(key ed25519.PrivateKey, wasm []byte) []byte {
	return []byte(base64.StdEncoding.EncodeToString(ed25519.Sign(key, wasm)) + "\n")
}

// ErrUnsigned reports a plugin file with no signature file when signatures are required.
var ErrUnsigned = errors.New("unsigned plugin")

// verifySignature checks wasm against path+SignatureSuffix with the trusted keys.
func verifySignature(path string, wasm []byte, keys []ed25519.PublicKey) error {
	sigPath := path + SignatureSuffix
	raw, err := os.ReadFile(sigPath)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w: plugins.trusted_keys is set and %s does not exist (sign it with `connector-host sign`)", ErrUnsigned, sigPath)
	}
	if err != nil {
		return fmt.Errorf("read signature: %w", err)
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%s is not a base64 ed25519 signature", sigPath)
	}
	for _, k := range keys {
		if ed25519.Verify(k, wasm, sig) {
			return nil
		}
	}
	return fmt.Errorf("%s does not match the file under any of the %d keys in plugins.trusted_keys", sigPath, len(keys))
}
