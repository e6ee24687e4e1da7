package pdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// A plugin links the codec of the flows it registers and no other: the
// generated codec is a field table per message (internal/gencodec), reached
// from the registered flows' messages, and an interface call or a table of
// every message added to the guest path would link them all (issue 13). It
// builds the one-flow bench plugin (Authorize) for wasip1 and reads the
// linker's reachability dump.
func TestGuestLinksOnlyTheCodecsItUses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Wasm plugin")
	}
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-ldflags=-dumpdep", "-o", filepath.Join(t.TempDir(), "p.wasm"), "./internal/benchplugin")
	cmd.Dir = wasmbuild.ModuleRoot()
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%.2000s", err, out)
	}
	reached := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if _, to, ok := strings.Cut(line, " -> "); ok {
			to, _, _ = strings.Cut(to, " ")
			reached[to] = true
		}
	}
	const gen = "github.com/connectorhost/connector-host/gen/connectorhost/v1.Codec_"
	for _, m := range []string{"PaymentServiceAuthorizeRequest", "PaymentServiceAuthorizeResponse", "Card", "PaymentMethod"} {
		if !reached[gen+m] {
			t.Errorf("the codec table of %s is not linked: the dump is not what this test expects", m)
		}
	}
	for _, m := range []string{
		"PaymentServiceCaptureRequest", "PaymentServiceCaptureResponse", "RefundServiceGetResponse",
		"PayoutServiceCreateRequest", "DisputeServiceSubmitEvidenceRequest", "ConnectorInfo",
	} {
		if reached[gen+m] {
			t.Errorf("the codec table of %s is linked into a plugin whose one flow never uses it", m)
		}
	}
}

// forbiddenInPlugins are the packages no bundled plugin may link for
// GOOS=wasip1: each costs a Wasm module hundreds of KB (fmt about 700 KB
// with reflect and os, net/url about 500 KB, any of crypto/... about 530 KB
// for the FIPS module, time about 250 KB, regexp about 400 KB). Plugins
// format with internal/textf, escape with internal/weburl, encode hex with
// internal/hexstr, hash and verify signatures with pdk/sig (the host's
// crypto functions), read timestamps with pdk/timestamp and check ids with
// pdk.IDShape instead. An entry ending in "/" forbids every package under it.
var forbiddenInPlugins = []string{
	"fmt", "reflect", "os", "time", "embed", "regexp", "net/url", "net/netip", "math/big",
	"encoding/json", "encoding/xml", "encoding/hex", "encoding/asn1", "crypto", "crypto/",
}

// bundledPlugins are the main packages built to Wasm: every plugin, the
// connector template and the bench plugin.
func bundledPlugins(t *testing.T, root string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(root, "plugins", "*", "wasm"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no plugins/*/wasm under %s: %v", root, err)
	}
	var pkgs []string
	for _, d := range dirs {
		rel, _ := filepath.Rel(root, d)
		pkgs = append(pkgs, "./"+filepath.ToSlash(rel))
	}
	return append(pkgs, "./templates/connector/wasm", "./internal/benchplugin")
}

// listedPackage is the part of `go list -json` the graph needs.
type listedPackage struct {
	ImportPath string
	Imports    []string
}

// No bundled plugin links fmt, reflect, time, crypto or the other heavy
// packages of forbiddenInPlugins: the import graph `go list -deps` gives for
// wasip1 reaches none of them from a plugin.
func TestPluginsLinkNoHeavyPackages(t *testing.T) {
	root := wasmbuild.ModuleRoot()
	plugins := bundledPlugins(t, root)
	cmd := exec.Command("go", append([]string{"list", "-deps", "-json=ImportPath,Imports"}, plugins...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	const module = "github.com/connectorhost/connector-host"
	imports := map[string][]string{}
	var mains []string
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		imports[p.ImportPath] = p.Imports
		for _, pl := range plugins {
			if p.ImportPath == module+strings.TrimPrefix(pl, ".") {
				mains = append(mains, p.ImportPath)
			}
		}
	}
	if len(mains) != len(plugins) {
		t.Fatalf("go list gave %d of the %d plugins: %v", len(mains), len(plugins), mains)
	}
	for _, m := range mains {
		// Breadth first from the plugin, keeping who imported what first.
		from := map[string]string{m: ""}
		queue := []string{m}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, q := range imports[p] {
				if _, seen := from[q]; !seen {
					from[q] = p
					queue = append(queue, q)
				}
			}
		}
		for bad := range from {
			if !slices.ContainsFunc(forbiddenInPlugins, func(f string) bool {
				return f == bad || strings.HasSuffix(f, "/") && strings.HasPrefix(bad, f)
			}) {
				continue
			}
			chain := []string{bad}
			for p := from[bad]; p != ""; p = from[p] {
				chain = append(chain, p)
			}
			slices.Reverse(chain)
			t.Errorf("%s links %s: %s", m, bad, strings.Join(chain, " -> "))
		}
	}
}
