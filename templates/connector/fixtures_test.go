package example_test

import (
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	example "github.com/connectorhost/connector-host/templates/connector"
)

// TestFixtures runs every file of fixtures/ natively through the host's
// executor (conformance/FIXTURES.md).
func TestFixtures(t *testing.T) { conformancetest.Fixtures(t, example.New) }
