package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/connectorhost/connector-host/host/registry"
)

// sign implements `connector-host sign`:
//
//	connector-host sign --generate-key KEY.pem   (writes a new private key, prints its public key)
//	connector-host sign --key KEY.pem NAME.wasm ...   (writes NAME.wasm.sig beside each file)
func sign(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("sign", flag.ContinueOnError)
	fset.SetOutput(stderr)
	keyPath := fset.String("key", "", "PEM (PKCS #8) ed25519 private key to sign with")
	generate := fset.String("generate-key", "", "write a new ed25519 private key to this file (mode 0600) and print its public key for plugin_limits.trusted_keys")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *generate != "" {
		pub, err := generateKey(*generate)
		if err != nil {
			fmt.Fprintln(stderr, "sign:", err)
			return 1
		}
		fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(pub))
		return 0
	}
	if *keyPath == "" || fset.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: connector-host sign --key KEY.pem NAME.wasm ... | connector-host sign --generate-key KEY.pem")
		return 2
	}
	key, err := readKey(*keyPath)
	if err != nil {
		fmt.Fprintln(stderr, "sign:", err)
		return 1
	}
	for _, f := range fset.Args() {
		wasm, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(stderr, "sign:", err)
			return 1
		}
		if err := os.WriteFile(f+registry.SignatureSuffix, registry.Sign(key, wasm), 0o644); err != nil {
			fmt.Fprintln(stderr, "sign:", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s%s\n", f, registry.SignatureSuffix)
	}
	return 0
}

func generateKey(path string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, fmt.Errorf("write key: %w", err)
	}
	return pub, f.Close()
}

func readKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("%s is not a PEM file", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s holds a %T, not an ed25519 private key", path, k)
	}
	return priv, nil
}

// gateKey names the conformance gate's settings: this build and the
// content of every fixture file, so a pass is remembered only while both
// stay the same.
func gateKey(fixturesRoot string) string {
	h := sha256.New()
	fmt.Fprintf(h, "connector-host %s\n", version)
	_ = filepath.WalkDir(fixturesRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			fmt.Fprintf(h, "%s: %v\n", path, err)
			return nil
		}
		if d.Type().IsRegular() {
			b, rerr := os.ReadFile(path)
			fmt.Fprintf(h, "%s %d %v\n", path, len(b), rerr)
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}
