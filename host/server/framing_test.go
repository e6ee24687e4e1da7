package server_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/host/server"
)

// A body promised by Content-Length and never sent does not hold the call
// open: the read timeout cuts it and the caller gets DeadlineExceeded.
func TestBodyNeverSentIsCutByReadTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	srv := httptest.NewServer(server.New(server.Options{BodyReadTimeout: timeout}))
	defer srv.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	_, err = io.WriteString(conn, "POST /connectorhost.v1.PaymentService/Authorize HTTP/1.1\r\nHost: x\r\n"+
		"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"merchant")
	if err != nil {
		t.Fatal(err)
	}
	// The test's own bound: far above the host's timeout.
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	var out struct{ Code, Message string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.Code != "deadline_exceeded" || !strings.Contains(out.Message, "not received in full within 300ms") {
		t.Fatalf("answer = %d %+v, want deadline_exceeded naming the timeout", res.StatusCode, out)
	}
	if d := time.Since(start); d < timeout {
		t.Fatalf("answered after %s, before the %s timeout", d, timeout)
	}
}
