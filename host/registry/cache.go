package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// The manifest cache maps a plugin file's SHA-256 to the manifest it had when
// it last loaded and passed every check, so a restart can list dormant
// plugins without loading them. Entries are immutable (content-addressed).

func (r *Registry) cachePath(sha string) string {
	return filepath.Join(r.opts.CacheDir, "manifests", sha+".pb")
}

func (r *Registry) cachedManifest(sha string) *v1.Manifest {
	if r.opts.CacheDir == "" {
		return nil
	}
	b, err := os.ReadFile(r.cachePath(sha))
	if err != nil {
		return nil
	}
	m := &v1.Manifest{}
	if err := m.UnmarshalVT(b); err != nil {
		return nil
	}
	return m
}

func (r *Registry) storeManifest(sha string, m *v1.Manifest) {
	if r.opts.CacheDir == "" {
		return
	}
	b, err := m.MarshalVT()
	if err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Join(r.opts.CacheDir, "manifests"), "tmp-")
	if err != nil {
		r.log.Warn("manifest cache write failed", "error", err)
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		_ = os.Remove(tmp.Name())
		return
	}
	if err := os.Rename(tmp.Name(), r.cachePath(sha)); err != nil {
		_ = os.Remove(tmp.Name())
	}
}

// The gate cache records, per module hash and gate settings (GateKey), that
// the module passed the gate: an empty marker file.

func (r *Registry) gatePath(sha string) string {
	k := sha256.Sum256([]byte(r.opts.GateKey))
	return filepath.Join(r.opts.CacheDir, "manifests", sha+".gate-"+hex.EncodeToString(k[:8]))
}

func (r *Registry) cachedGatePass(sha string) bool {
	if r.opts.CacheDir == "" {
		return false
	}
	_, err := os.Stat(r.gatePath(sha))
	return err == nil
}

func (r *Registry) storeGatePass(sha string) {
	if r.opts.CacheDir == "" {
		return
	}
	if err := os.WriteFile(r.gatePath(sha), nil, 0o644); err != nil {
		r.log.Warn("gate cache write failed", "error", err)
	}
}
