package main

import (
	"fmt"
	"os"
	"os/exec"
)

// goBuildWasm builds a Go plugin package to a .wasm (from the module root).
func goBuildWasm(pkg, out string) error {
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}
