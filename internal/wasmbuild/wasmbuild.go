// Package wasmbuild builds Go plugin packages to .wasm for tests, once per
// process per package (the Go build cache makes later processes fast).
package wasmbuild

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
	dir   string
)

// Build compiles the Go package pkg (an import path or ./relative path from
// the module root) with GOOS=wasip1 -buildmode=c-shared into a file named
// name+".wasm" and returns its path. ldflags are passed to the linker.
func Build(tb testing.TB, pkg, name string, ldflags ...string) string {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	key := pkg + "|" + name + "|" + strings.Join(ldflags, " ")
	if p, ok := built[key]; ok {
		return p
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "wasmbuild-")
		if err != nil {
			tb.Fatalf("wasmbuild: %v", err)
		}
		dir = d
	}
	sub, err := os.MkdirTemp(dir, name+"-")
	if err != nil {
		tb.Fatalf("wasmbuild: %v", err)
	}
	out := filepath.Join(sub, name+".wasm")
	flags := append([]string{"-s", "-w"}, ldflags...)
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-ldflags="+strings.Join(flags, " "), "-o", out, pkg)
	cmd.Dir = ModuleRoot()
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("wasmbuild: go build %s: %v\n%s", pkg, err, b)
	}
	built[key] = out
	return out
}

// ModuleRoot returns the repository root (the directory holding go.mod).
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Read builds pkg and returns the .wasm bytes.
func Read(tb testing.TB, pkg, name string, ldflags ...string) []byte {
	tb.Helper()
	b, err := os.ReadFile(Build(tb, pkg, name, ldflags...))
	if err != nil {
		tb.Fatalf("wasmbuild: %v", err)
	}
	return b
}

// Must is Build for non-test callers (benchmarks' setup); it panics on failure.
func Must(pkg, name string) string {
	var t fakeTB
	defer func() {
		if t.failed != "" {
			panic(t.failed)
		}
	}()
	return Build(&t, pkg, name)
}

type fakeTB struct {
	testing.TB
	failed string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	panic(f.failed)
}
