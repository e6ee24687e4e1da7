package readme

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// notRun are the README commands this check does not run, with why.
var notRun = map[string]string{
	"make run":   "builds into bin/ and serves on 127.0.0.1:8080 until stopped; the check serves the same build on a free port",
	"make test":  "is the run this check is part of",
	"make build": "the check builds bin/connector-host and bin/plugins/*.wasm itself, into a temporary directory",
}

// notRunSections are README sections whose commands this check does not
// run, with why.
var notRunSections = map[string]string{
	"## The payments platform": "the platform's calls need the key printed at its first start and the ids each call returns; " +
		"platform/app's end-to-end tests (TestPaymentLifecycle, on SQLite and PostgreSQL against stripe-mock) make the same calls, " +
		"and cmd/payments-platform's test starts `serve` as the README shows",
}

// withoutSections returns readme without the sections named by heading,
// each up to the next heading of the same level.
func withoutSections(readme string, headings map[string]string) string {
	var out []string
	skipping := false
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "## ") {
			_, skipping = headings[strings.TrimSpace(line)]
		}
		if !skipping {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// commands returns the README's shell commands in order: each ```sh block
// split into commands, continuation lines and multi-line quotes joined.
func commands(readme string) []string {
	var out []string
	inBlock := false
	var cur strings.Builder
	quotes := 0
	for _, line := range strings.Split(readme, "\n") {
		switch {
		case !inBlock && strings.TrimSpace(line) == "```sh":
			inBlock = true
			continue
		case inBlock && strings.TrimSpace(line) == "```":
			inBlock = false
			continue
		case !inBlock:
			continue
		}
		if cur.Len() == 0 && (strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#")) {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		quotes += strings.Count(line, "'")
		if quotes%2 == 1 || strings.HasSuffix(line, `\`) {
			continue
		}
		out = append(out, strings.TrimSpace(cur.String()))
		cur.Reset()
		quotes = 0
	}
	return out
}

// shellCommentRE strips a trailing "# comment" from a one-line command.
var shellCommentRE = regexp.MustCompile(`\s+#\s.*$`)

func TestCommandsParse(t *testing.T) {
	got := commands("text\n```sh\nmake run    # serves\ncurl -d '{\n  \"a\": 1\n}' \\\n  http://x\n\n# note\necho 'a' | cat\n```\n```\nnot run\n```\n")
	want := []string{"make run    # serves", "curl -d '{\n  \"a\": 1\n}' \\\n  http://x", "echo 'a' | cat"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("commands = %q, want %q", got, want)
	}
}

// TestReadmeCommands runs every README command that can run offline.
func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the host, the plugins and stripe-mock: skipped with -short")
	}
	root := wasmbuild.ModuleRoot()
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for h, why := range notRunSections {
		if !strings.Contains(string(readme), "\n"+h+"\n") {
			t.Errorf("README has no section %q (notRunSections names it)", h)
		}
		t.Logf("not run: section %s: %s", h, why)
	}
	cmds := commands(withoutSections(string(readme), notRunSections))
	if len(cmds) < 8 {
		t.Fatalf("found %d commands in README.md's sh blocks; the parser is broken", len(cmds))
	}

	// The working directory a new user has after `make build`.
	work := t.TempDir()
	if err := os.MkdirAll(filepath.Join(work, "bin", "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(work, "bin", "connector-host"), "./cmd/connector-host")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/connector-host: %v\n%s", err, out)
	}
	for _, name := range []string{"stripe", "adyen"} {
		b := wasmbuild.Read(t, "./plugins/"+name+"/wasm", name)
		if err := os.WriteFile(filepath.Join(work, "bin", "plugins", name+".wasm"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"config.example.yaml"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	adyen := newAdyenStub(t)
	env := &shell{t: t, root: root, work: work}

	// Servers first: the README starts them in its stripe-mock section, and
	// the calls before it need them.
	var stripeURL, hostAddr string
	for _, c := range cmds {
		if strings.HasPrefix(c, "go tool stripe-mock") && strings.HasSuffix(c, "&") {
			cmd := strings.TrimSpace(strings.TrimSuffix(c, "&"))
			cmd = strings.NewReplacer("127.0.0.1:12111", "127.0.0.1:0", "127.0.0.1:12112", "127.0.0.1:0").Replace(cmd)
			stripeURL = "http://" + env.background(cmd, regexp.MustCompile(`Listening for HTTP at address: (\S+)`), 10*time.Minute)
		}
	}
	if stripeURL == "" {
		t.Fatal("README starts no stripe-mock (go tool stripe-mock ... &)")
	}
	for _, c := range cmds {
		if strings.HasPrefix(c, "./bin/connector-host serve") {
			cmd := strings.NewReplacer("127.0.0.1:8080", "127.0.0.1:0", "http://127.0.0.1:12111", stripeURL).Replace(c)
			// Not in the README: the Adyen stub, a private code cache, and
			// every plugin compiled before the first call.
			cmd += " --base-url adyen=" + adyen.URL + "/v71 --cache-dir " + filepath.Join(work, "cache") + " --eager-plugins"
			hostAddr = env.background(cmd, regexp.MustCompile(`"msg":"connector host serving","addr":"([^"]+)"`), 2*time.Minute)
			env.waitLog(regexp.MustCompile(`"msg":"plugin loaded","connector":"stripe"`), 2*time.Minute)
			env.waitLog(regexp.MustCompile(`"msg":"plugin loaded","connector":"adyen"`), 2*time.Minute)
		}
	}
	if hostAddr == "" {
		t.Fatal("README starts no host (./bin/connector-host serve ...)")
	}

	for _, c := range cmds {
		if strings.HasPrefix(c, "go tool stripe-mock") || strings.HasPrefix(c, "./bin/connector-host serve") {
			continue
		}
		if why, ok := notRun[strings.TrimSpace(shellCommentRE.ReplaceAllString(c, ""))]; ok {
			t.Logf("not run: %s: %s", c, why)
			continue
		}
		cmd := strings.ReplaceAll(c, "127.0.0.1:8080", hostAddr)
		t.Logf("run: %s", firstLine(c))
		out := env.run(cmd)
		switch {
		case strings.Contains(c, "x-connector: stripe") && strings.Contains(c, "/PaymentService/Authorize"):
			// The README explains stripe-mock's fixture answer.
			for _, want := range []string{`"PAYMENT_STATUS_AUTHORIZATION_FAILED"`, `"ERROR_CODE_CONFLICT"`, `"idempotency_error"`} {
				if !strings.Contains(out, want) {
					t.Errorf("%s\nanswered %s\nwhich lacks %s, as the README says it has", c, out, want)
				}
			}
		case strings.Contains(c, "x-connector: adyen"):
			if !strings.Contains(out, `"PAYMENT_STATUS_CHARGED"`) {
				t.Errorf("%s\nanswered %s, want PAYMENT_STATUS_CHARGED from the Adyen stub", c, out)
			}
			adyen.wantPayment(t)
		case strings.Contains(c, "buf curl") && strings.Contains(c, "/PaymentService/Get"):
			if !strings.Contains(out, `"connectorTransactionId": "pi_123"`) {
				t.Errorf("%s\nanswered %s", c, out)
			}
		case strings.Contains(c, "--list-services"):
			if !strings.Contains(out, "connectorhost.v1.PaymentService") {
				t.Errorf("%s\nanswered %s", c, out)
			}
		case strings.Contains(c, "ListConnectors"):
			if !strings.Contains(out, `"name":"stripe"`) || !strings.Contains(out, `"name":"adyen"`) {
				t.Errorf("%s\nanswered %s", c, out)
			}
		case strings.Contains(c, "hash-key"):
			if !regexp.MustCompile(`^[0-9a-f]{64}\n?$`).MatchString(out) {
				t.Errorf("%s\nprinted %q, want a hex SHA-256", c, out)
			}
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// shell runs commands as a user would, in the working directory, with go
// tools resolved in the repository.
type shell struct {
	t          *testing.T
	root, work string
	mu         sync.Mutex
	logs       strings.Builder // background processes' output
	logged     chan struct{}   // signalled on new output
}

func (s *shell) command(ctx context.Context, line string) *exec.Cmd {
	line = strings.ReplaceAll(line, "go tool ", "go -C "+s.root+" tool ")
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -euo pipefail\n"+line)
	cmd.Dir = s.work
	return cmd
}

// run runs line and fails the test unless it succeeds; for a curl call,
// also unless its answer is a response rather than a Connect error.
func (s *shell) run(line string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := s.command(ctx, line)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("README command failed: %v\n%s\nstdout: %s\nstderr: %s", err, line, out, stderr.String())
	}
	if strings.HasPrefix(line, "curl") {
		var e struct{ Code, Message string }
		if json.Unmarshal(out, &e) == nil && e.Code != "" {
			s.t.Errorf("README command answered a %s error: %s\n%s", e.Code, e.Message, line)
		}
	}
	return string(out)
}

// background starts line, waits (up to limit) until its output matches
// ready, and returns the first submatch; it stops the process when the
// test ends.
func (s *shell) background(line string, ready *regexp.Regexp, limit time.Duration) string {
	s.t.Helper()
	cmd := s.command(context.Background(), "exec "+line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		pw.Close()
		close(done)
	}()
	s.t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	s.mu.Lock()
	if s.logged == nil {
		s.logged = make(chan struct{}, 1)
	}
	s.mu.Unlock()
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			s.mu.Lock()
			s.logs.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			select {
			case s.logged <- struct{}{}:
			default:
			}
		}
	}()
	return s.waitLog(ready, limit)
}

// waitLog waits until the background output matches re.
func (s *shell) waitLog(re *regexp.Regexp, limit time.Duration) string {
	s.t.Helper()
	deadline := time.After(limit)
	for {
		s.mu.Lock()
		m := re.FindStringSubmatch(s.logs.String())
		logs := s.logs.String()
		s.mu.Unlock()
		if m != nil {
			if len(m) > 1 {
				return m[1]
			}
			return m[0]
		}
		select {
		case <-s.logged:
		case <-deadline:
			s.t.Fatalf("no output matching %s within %s; output so far:\n%s", re, limit, logs)
		}
	}
}

// adyenStub answers POST /v71/payments as Adyen's Checkout does for an
// authorised payment, and records each request body.
type adyenStub struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
}

func newAdyenStub(t *testing.T) *adyenStub {
	s := &adyenStub{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if r.Method != http.MethodPost || r.URL.Path != "/v71/payments" || json.NewDecoder(r.Body).Decode(&body) != nil {
			http.Error(w, `{"status":404,"errorCode":"000","message":"not stubbed"}`, http.StatusNotFound)
			return
		}
		s.mu.Lock()
		s.bodies = append(s.bodies, body)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"pspReference": "QFQTPCQ8HXSKGK82", "resultCode": "Authorised", "merchantReference": body["reference"],
			"amount": body["amount"],
		})
	}))
	t.Cleanup(s.Close)
	return s
}

// wantPayment checks the last payment carried what Adyen requires.
func (s *adyenStub) wantPayment(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.bodies) == 0 {
		t.Fatal("the Adyen example never reached the Adyen stub")
	}
	b := s.bodies[len(s.bodies)-1]
	if b["returnUrl"] == nil || b["returnUrl"] == "" || b["shopperReference"] == nil || b["shopperReference"] == "" {
		t.Errorf("the Adyen example sent %v; Adyen needs returnUrl and, for a stored token, shopperReference", b)
	}
}
