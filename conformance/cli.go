package conformance

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectorhost/connector-host/host/sandbox"
)

// Exit codes of Main.
const (
	ExitPassed = 0
	ExitFailed = 1
	ExitUsage  = 2
)

const usage = `usage: connector-host conformance PATH.wasm [flags]

Runs the conformance suite on a connector plugin inside the real runtime,
offline, prints a report and exits non-zero when a check fails.

Fixtures default to the first directory that exists of
  <dir of PATH>/../plugins/NAME/fixtures  (and the same under each parent up to the filesystem root)
  <dir of PATH>/fixtures
where NAME is PATH's base name without .wasm.

Flags:
`

// Main is the "connector-host conformance" command: args are the
// arguments after the subcommand (PATH.wasm and flags, in any order). It
// prints the readable report to stdout, writes the JSON report when asked,
// and returns ExitPassed, ExitFailed (a check failed) or ExitUsage (bad
// arguments, unreadable file, suite error).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fixtures := fs.String("fixtures", "", "directory of the plugin's *.json fixtures (default: see above)")
	jsonPath := fs.String("json", "", "also write the JSON report to `FILE` (\"-\": stdout, the text report then goes to stderr)")
	name := fs.String("name", "", "connector name (default: PATH's base name without .wasm)")
	fuzz := fs.Int("fuzz", DefaultFuzzIterations, "fuzz iterations (0 or negative disables)")
	timeout := fs.Duration("call-timeout", 0, "per-call deadline (default: the host's, 2s)")
	memory := fs.Uint64("memory-mib", 0, "memory cap per instance in MiB (default: the host's, 32)")
	cacheDir := fs.String("cache-dir", "", "keep compiled code in `DIR` between runs")
	verbose := fs.Bool("v", false, "log progress to stderr")

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return ExitPassed
			}
			return ExitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != 1 {
		fs.Usage()
		return ExitUsage
	}
	path := positional[0]
	wasm, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "conformance: %v\n", err)
		return ExitUsage
	}
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(path), ".wasm")
	}
	if *fixtures == "" {
		*fixtures = DefaultFixturesDir(path, *name)
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	opts := Options{
		FixturesDir:    *fixtures,
		FuzzIterations: *fuzz,
		Limits:         sandbox.Limits{CallTimeout: *timeout, MemoryBytes: *memory << 20},
		CacheDir:       *cacheDir,
		Logger:         slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	}
	if opts.FuzzIterations == 0 {
		opts.FuzzIterations = -1
	}
	start := time.Now()
	report, err := Run(ctx, wasm, *name, opts)
	if err != nil {
		fmt.Fprintf(stderr, "conformance: %v\n", err)
		return ExitUsage
	}
	text := stdout
	if *jsonPath == "-" {
		text = stderr
	}
	if opts.FixturesDir == "" {
		fmt.Fprintf(text, "No fixtures directory found for %s; pass --fixtures DIR.\n", *name)
	}
	if err := report.WriteText(text); err != nil {
		fmt.Fprintf(stderr, "conformance: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(text, "(%s)\n", time.Since(start).Round(time.Millisecond))
	if *jsonPath != "" {
		if err := writeJSONReport(report, *jsonPath, stdout); err != nil {
			fmt.Fprintf(stderr, "conformance: %v\n", err)
			return ExitUsage
		}
	}
	if !report.Passed() {
		return ExitFailed
	}
	return ExitPassed
}

func writeJSONReport(r *Report, path string, stdout io.Writer) error {
	if path == "-" {
		return r.WriteJSON(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create JSON report: %w", err)
	}
	if err := r.WriteJSON(f); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close JSON report: %w", err)
	}
	return nil
}

// DefaultFixturesDir is where the CLI looks for the fixtures of the plugin
// at wasmPath named name: the first existing directory among
// A/plugins/<name>/fixtures for A = the wasm's directory's parent, then each
// further ancestor (so bin/plugins/NAME.wasm finds the repository's
// plugins/NAME/fixtures), and <dir of the wasm>/fixtures. It returns "" when
// none exists.
func DefaultFixturesDir(wasmPath, name string) string {
	dir, err := filepath.Abs(filepath.Dir(wasmPath))
	if err != nil {
		dir = filepath.Dir(wasmPath)
	}
	for a := filepath.Dir(dir); ; a = filepath.Dir(a) {
		if cand := filepath.Join(a, "plugins", name, "fixtures"); isDir(cand) {
			return relIfShorter(cand)
		}
		if filepath.Dir(a) == a {
			break
		}
	}
	if cand := filepath.Join(dir, "fixtures"); isDir(cand) {
		return relIfShorter(cand)
	}
	return ""
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// relIfShorter makes p relative to the working directory when that reads better.
func relIfShorter(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(wd, p); err == nil && len(r) < len(p) {
		return r
	}
	return p
}
