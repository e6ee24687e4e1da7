package pdk

import (
	"os"
	"os/exec"
	"path/filepath"
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
