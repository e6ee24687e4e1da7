// Command matrix regenerates docs/connectors.md, the feature matrix of the
// bundled connectors, from their manifests and conformance results:
//
//	go run ./conformance/cmd/matrix            # build plugins/*/wasm, run the suite, write docs/connectors.md
//	go run ./conformance/cmd/matrix -check     # exit 1 when docs/connectors.md is stale
//	go run ./conformance/cmd/matrix -wasm bin/plugins   # use prebuilt NAME.wasm files
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"

	"github.com/connectorhost/connector-host/conformance"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "matrix:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("matrix", flag.ContinueOnError)
	root := fs.String("root", "", "module root (default: the nearest parent directory with go.mod)")
	out := fs.String("out", "", "output file (default: ROOT/docs/connectors.md)")
	wasmDir := fs.String("wasm", "", "use prebuilt DIR/NAME.wasm instead of building plugins/NAME/wasm")
	check := fs.Bool("check", false, "do not write: fail when the output file is stale")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *root == "" {
		r, err := moduleRoot()
		if err != nil {
			return err
		}
		*root = r
	}
	if *out == "" {
		*out = filepath.Join(*root, "docs", "connectors.md")
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	plugins, err := conformance.BundledPlugins(*root)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "matrix-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)

	var reports []*conformance.Report
	for _, p := range plugins {
		path := filepath.Join(*wasmDir, p.Name+".wasm")
		if *wasmDir == "" {
			path = filepath.Join(tmp, p.Name+".wasm")
			if err := build(ctx, *root, p.Package, path); err != nil {
				log.Error("plugin does not build", "plugin", p.Name, "error", err)
				reports = append(reports, conformance.FailedLoad(p.Name, err))
				continue
			}
		}
		wasm, err := os.ReadFile(path)
		if err != nil {
			reports = append(reports, conformance.FailedLoad(p.Name, err))
			continue
		}
		r, err := conformance.Run(ctx, wasm, p.Name, conformance.Options{FixturesDir: p.FixturesDir, Logger: log})
		if err != nil {
			return fmt.Errorf("run the suite on %s: %w", p.Name, err)
		}
		log.Info(r.Summary())
		reports = append(reports, r)
	}
	md := conformance.NewMatrix(reports).Markdown()
	if *check {
		cur, err := os.ReadFile(*out)
		if err != nil || !bytes.Equal(cur, md) {
			return fmt.Errorf("%s is stale: run `make matrix` (go run ./conformance/cmd/matrix)", *out)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(*out), err)
	}
	if err := os.WriteFile(*out, md, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	log.Info("wrote feature matrix", "file", *out, "connectors", len(reports))
	return nil
}

// build compiles a plugin main package to a WASI reactor.
func build(ctx context.Context, root, pkg, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-buildmode=c-shared", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, stderr.Bytes())
	}
	return nil
}

// moduleRoot finds the nearest directory with a go.mod, from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found: run from the repository or pass -root")
		}
		dir = parent
	}
}
