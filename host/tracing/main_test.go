package tracing_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The exporter's goroutines end with Shutdown.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
