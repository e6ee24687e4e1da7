package app_test

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// codeCache is the compiled-code cache the tests' hosts share, so each
// plugin is compiled once per run rather than once per host.
var codeCache string

// TestMain fails the package when a test leaves a goroutine behind: every
// host started must stop its servers, watchers, plugins and pools.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "connector-host-app-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	codeCache = dir
	code := m.Run()
	os.RemoveAll(dir)
	// Keep-alive connections of the tests' own clients are not the host's.
	http.DefaultClient.CloseIdleConnections()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
