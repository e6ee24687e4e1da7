package main

import (
	"strings"
	"testing"
)

// A run's events become go test's plain output, the skipped tests with
// their reasons, and the closing count line.
func TestSummary(t *testing.T) {
	events := `{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestOK"}
{"Action":"output","Package":"p","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"output","Package":"p","Test":"TestOK","Output":"--- PASS: TestOK (0.00s)\n"}
{"Action":"pass","Package":"p","Test":"TestOK"}
{"Action":"run","Package":"p","Test":"TestSpec"}
{"Action":"output","Package":"p","Test":"TestSpec","Output":"=== RUN   TestSpec\n"}
{"Action":"output","Package":"p","Test":"TestSpec","Output":"    spec_test.go:12: ../shared/oracles is absent: Adyen spec checks skipped\n"}
{"Action":"output","Package":"p","Test":"TestSpec","Output":"--- SKIP: TestSpec (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestSpec"}
{"Action":"run","Package":"p","Test":"TestBad"}
{"Action":"output","Package":"p","Test":"TestBad","Output":"=== RUN   TestBad\n"}
{"Action":"output","Package":"p","Test":"TestBad","Output":"    bad_test.go:3: got 1, want 2\n"}
{"Action":"output","Package":"p","Test":"TestBad","Output":"--- FAIL: TestBad (0.00s)\n"}
{"Action":"fail","Package":"p","Test":"TestBad"}
{"Action":"output","Package":"p","Output":"FAIL\n"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.01s\n"}
{"Action":"fail","Package":"p"}
`
	var out strings.Builder
	s := newSummary(&out)
	if err := s.read(strings.NewReader(events)); err != nil {
		t.Fatal(err)
	}
	s.finish()
	got := out.String()
	for _, want := range []string{
		"--- FAIL: TestBad (0.00s)\n", "bad_test.go:3: got 1, want 2\n", "FAIL\tp\t0.01s\n",
		"Skipped tests (1):\n  p.TestSpec: spec_test.go:12: ../shared/oracles is absent: Adyen spec checks skipped\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if !strings.HasSuffix(got, "\n1 passed, 1 failed, 1 skipped\n") {
		t.Errorf("output does not end with the count line:\n%s", got)
	}
	if strings.Contains(got, "=== RUN") || strings.Contains(got, "--- PASS") {
		t.Errorf("verbose lines printed:\n%s", got)
	}
}
