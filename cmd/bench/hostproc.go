package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"connectrpc.com/connect"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// hostProc is a connector-host process started for a benchmark.
type hostProc struct {
	cmd   *exec.Cmd
	addr  string
	Ready time.Duration // from exec to the first SERVING health answer
}

// startHost runs `connector-host serve` and waits until it answers health checks.
func startHost(bin, pluginsDir, cacheDir string, extra ...string) (*hostProc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--listen", addr, "--plugins", pluginsDir, "--cache-dir", cacheDir, "--log-level", "warn"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	h := &hostProc{cmd: cmd, addr: addr}
	check := connect.NewClient[healthpb.HealthCheckRequest, healthpb.HealthCheckResponse](http.DefaultClient, "http://"+addr+"/grpc.health.v1.Health/Check")
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		res, err := check.CallUnary(ctx, connect.NewRequest(&healthpb.HealthCheckRequest{}))
		cancel()
		if err == nil && res.Msg.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			h.Ready = time.Since(start)
			return h, nil
		}
		if time.Now().After(deadline) {
			h.Stop()
			return nil, fmt.Errorf("host did not become ready in 60 s: %v", err)
		}
		time.Sleep(2 * time.Millisecond) // polling an external process's readiness
	}
}

func (h *hostProc) URL() string { return "http://" + h.addr }

// RSS is the host's resident memory in MiB (Linux /proc).
func (h *hostProc) RSS() float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", h.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// SettledRSS is the host's resident memory in MiB once it stops changing
// (two samples 200 ms apart within 1 MiB, at most 5 s): what a call leaves
// behind after the host's background work (warming, returning freed memory)
// is done, rather than at the instant the call returns.
func (h *hostProc) SettledRSS() float64 {
	last := h.RSS()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond) // sampling an external process
		now := h.RSS()
		if d := now - last; d < 1 && d > -1 {
			return now
		}
		last = now
	}
	return last
}

// Threads is the host's OS thread count (Linux /proc).
func (h *hostProc) Threads() int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", h.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(rest))
			return n
		}
	}
	return 0
}

// Stop sends SIGTERM and waits for a graceful exit.
func (h *hostProc) Stop() error {
	if h.cmd.Process == nil {
		return nil
	}
	_ = h.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- h.cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("host exited: %w", err)
		}
		return err
	case <-time.After(30 * time.Second):
		_ = h.cmd.Process.Kill()
		return errors.New("host did not stop within 30 s of SIGTERM")
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
