package pdk

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// A plugin only decodes requests and encodes responses: its module must not
// link a request's encoder or a response's decoder (issue 13: each is tens
// of KB per flow). The Go linker keeps such methods once the message type
// reaches an interface and any interface call of the method's name exists,
// so an interface call added to the guest path (the PDK's or the generated
// codec's) fails this test. It builds the one-flow bench plugin for wasip1
// and reads the linker's reachability dump.
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
	const gen = "github.com/connectorhost/connector-host/gen/connectorhost/v1."
	for _, m := range []string{"(*PaymentServiceAuthorizeRequest).UnmarshalVT", "(*PaymentServiceAuthorizeResponse).MarshalVT"} {
		if !reached[gen+m] {
			t.Errorf("%s is not linked: the dump is not what this test expects", m)
		}
	}
	for _, m := range []string{
		"(*PaymentServiceAuthorizeRequest).MarshalVT", "(*PaymentServiceAuthorizeRequest).SizeVT",
		"(*PaymentServiceAuthorizeRequest).MarshalToSizedBufferVT", "(*Card).MarshalToSizedBufferVT",
		"(*PaymentMethod_Card).SizeVT", "(*PaymentServiceAuthorizeResponse).UnmarshalVT",
	} {
		if reached[gen+m] {
			t.Errorf("%s is linked into a plugin that never calls it", m)
		}
	}
}
