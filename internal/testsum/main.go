// Command testsum runs `go test -json` with the given arguments and prints
// what a plain `go test` prints (one line per package, the output of failed
// tests, build errors), then every skipped test with its reason, then one
// closing line: "N passed, N failed, N skipped". A test skipped because an
// optional input is absent (../shared/oracles, PostgreSQL) is then visible
// at the end of `make test` instead of passing silently.
//
// It exits with go test's status, or 1 when a test failed.
//
//	go run ./internal/testsum -count=1 ./...
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-json"}, args...)...)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(stderr, "testsum:", err)
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(stderr, "testsum:", err)
		return 1
	}
	s := newSummary(stdout)
	if err := s.read(out); err != nil {
		fmt.Fprintln(stderr, "testsum:", err)
	}
	werr := cmd.Wait()
	s.finish()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(werr, &exit):
		code = exit.ExitCode()
	case werr != nil:
		fmt.Fprintln(stderr, "testsum:", werr)
		code = 1
	}
	if code == 0 && s.failed > 0 {
		code = 1
	}
	return code
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// summary follows the events of a run.
type summary struct {
	w                        io.Writer
	output                   map[string][]string // per package/test, buffered until the test ends
	skipped                  []skip
	passed, failed, nSkipped int
}

type skip struct{ name, reason string }

func newSummary(w io.Writer) *summary {
	return &summary{w: w, output: map[string][]string{}}
}

func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var ev event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.Action == "" {
			// Not an event (go vet or build output on stdout): pass it on.
			fmt.Fprintln(s.w, sc.Text())
			continue
		}
		s.handle(ev)
	}
	return sc.Err()
}

func (s *summary) handle(ev event) {
	key := ev.Package + " " + ev.Test
	switch ev.Action {
	case "output", "build-output":
		if ev.Test == "" {
			// Package lines ("ok  pkg 1.2s", "FAIL pkg", build errors) are
			// what a plain go test prints; the verbose "=== RUN" lines are not.
			if !verboseLine(ev.Output) {
				fmt.Fprint(s.w, ev.Output)
			}
			return
		}
		s.output[key] = append(s.output[key], ev.Output)
	case "pass":
		if ev.Test != "" {
			s.passed++
		}
		delete(s.output, key)
	case "skip":
		if ev.Test != "" {
			s.nSkipped++
			s.skipped = append(s.skipped, skip{name: ev.Package + "." + ev.Test, reason: skipReason(s.output[key])})
		}
		delete(s.output, key)
	case "fail":
		if ev.Test != "" {
			s.failed++
			for _, line := range s.output[key] {
				if !verboseLine(line) || strings.HasPrefix(strings.TrimSpace(line), "--- FAIL") {
					fmt.Fprint(s.w, line)
				}
			}
		}
		delete(s.output, key)
	}
}

// verboseLine reports the lines only `go test -v` prints.
func verboseLine(line string) bool {
	t := strings.TrimSpace(line)
	for _, p := range []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME", "--- PASS", "--- SKIP", "--- FAIL", "PASS"} {
		if strings.HasPrefix(t, p) && (p != "PASS" || t == "PASS") {
			return true
		}
	}
	return false
}

// skipReason is what the test logged (t.Skip's message), on one line.
func skipReason(lines []string) string {
	var parts []string
	for _, l := range lines {
		if verboseLine(l) {
			continue
		}
		if t := strings.TrimSpace(l); t != "" {
			parts = append(parts, t)
		}
	}
	if len(parts) == 0 {
		return "(no reason given)"
	}
	return strings.Join(parts, " ")
}

func (s *summary) finish() {
	if len(s.skipped) > 0 {
		sort.Slice(s.skipped, func(i, j int) bool { return s.skipped[i].name < s.skipped[j].name })
		fmt.Fprintf(s.w, "\nSkipped tests (%d):\n", len(s.skipped))
		for _, sk := range s.skipped {
			fmt.Fprintf(s.w, "  %s: %s\n", sk.name, sk.reason)
		}
	}
	fmt.Fprintf(s.w, "\n%d passed, %d failed, %d skipped\n", s.passed, s.failed, s.nSkipped)
}
