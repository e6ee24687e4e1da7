package main

import (
	"fmt"
	"os"
	"os/exec"
)

// goBuildWasm builds a Go plugin package to a .wasm (from the module root)
// the way `make plugins` does: stripped, -trimpath, and through wasm-opt -Oz
// when it is installed.
func goBuildWasm(pkg, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-buildmode=c-shared", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	opt, err := exec.LookPath("wasm-opt")
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: wasm-opt not found (apt-get install binaryen): %s is not optimized\n", out)
		return nil
	}
	cmd = exec.Command(opt, "-Oz", "--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-mutable-globals", out, "-o", out+".opt")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("wasm-opt %s: %v\n%s", out, err, b)
	}
	return os.Rename(out+".opt", out)
}
