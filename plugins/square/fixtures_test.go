//go:build !wasip1

package square

import (
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
)

// TestFixtures runs every file of fixtures/ natively through the host's
// executor (conformance/FIXTURES.md).
func TestFixtures(t *testing.T) { conformancetest.Fixtures(t, New) }
