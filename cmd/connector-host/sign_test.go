package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The key sign generates verifies the signatures it writes, and the printed
// public key is what config accepts in plugin_limits.trusted_keys.
func TestSignGenerateKeyAndSign(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.pem")
	code, out, errOut := runCmd(t, "", nil, "sign", "--generate-key", keyFile)
	require.Equal(t, 0, code, errOut)
	pub, err := base64.StdEncoding.DecodeString(strings.TrimSpace(out))
	require.NoError(t, err)
	require.Len(t, pub, ed25519.PublicKeySize)
	st, err := os.Stat(keyFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the private key is readable by its owner only")

	code, _, errOut = runCmd(t, "", nil, "sign", "--generate-key", keyFile)
	assert.Equal(t, 1, code, "never overwrites a key")
	assert.Contains(t, errOut, "file exists")

	wasm := filepath.Join(dir, "stripe.wasm")
	require.NoError(t, os.WriteFile(wasm, []byte("\x00asm\x01\x00\x00\x00"), 0o644))
	code, out, errOut = runCmd(t, "", nil, "sign", "--key", keyFile, wasm)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, wasm+".sig\n", out)
	raw, err := os.ReadFile(wasm + ".sig")
	require.NoError(t, err)
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	require.NoError(t, err)
	assert.True(t, ed25519.Verify(pub, []byte("\x00asm\x01\x00\x00\x00"), sig))

	code, _, errOut = runCmd(t, "", nil, "sign", "--key", wasm, wasm)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "is not a PEM file")
	code, _, errOut = runCmd(t, "", nil, "sign", wasm)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "usage: connector-host sign")
}
