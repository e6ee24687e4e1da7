package flowbench

import (
	"fmt"
	"sort"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/conformance"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// FixtureCases returns one case per flow from a plugin's conformance
// fixtures: the first fixture (by file name) of each flow whose processor
// answer is a 2xx and that expects no error, so every declared flow's happy
// path is measured on the processor's documented answer shape.
func FixtureCases(dir string) ([]Case, error) {
	fixtures, errs := conformance.LoadFixtures(dir)
	if len(errs) > 0 {
		return nil, fmt.Errorf("fixtures in %s: %v", dir, errs[0])
	}
	byFlow := map[v1.Flow]Case{}
	for _, f := range fixtures {
		if f.IsWebhook() || f.Response == nil || f.Response.Status < 200 || f.Response.Status > 299 ||
			f.ExpectErrorKind != "" || f.ExpectBuildErrorKind != "" {
			continue
		}
		flow := v1.Flow(v1.Flow_value[f.Flow])
		if _, seen := byFlow[flow]; seen {
			continue
		}
		info, err := abi.Lookup(flow)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.File, err)
		}
		req := info.NewRequest()
		if err := protojson.Unmarshal(f.Request, req); err != nil {
			return nil, fmt.Errorf("%s: request: %w", f.File, err)
		}
		body := []byte(f.Response.Body)
		if f.Response.BodyText != nil {
			body = []byte(*f.Response.BodyText)
		}
		byFlow[flow] = Case{Name: info.Name(), Flow: flow, Request: req, Credentials: f.Credentials, Status: f.Response.Status, Body: body}
	}
	out := make([]Case, 0, len(byFlow))
	for _, c := range byFlow {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Flow < out[j].Flow })
	return out, nil
}
