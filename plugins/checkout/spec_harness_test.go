package checkout_test

// The Checkout.com spec (../shared/oracles/checkout/checkout-nas.json) as a
// strict request validator, through internal/specfake. The published file
// leaves every object open and composes its payment sources with allOf and a
// bare discriminator, so as published it would accept any unknown field.
// checkoutDoc repairs that in memory (the file is never edited):
//
//   - every allOf of several object schemas becomes one object with the
//     union of their properties and required lists (so closing it refuses
//     unknown fields without refusing the other members' fields);
//   - a schema that only carries a discriminator mapping (the request source,
//     the stored instrument) becomes oneOf the mapped schemas, so a card
//     source is checked as a card source;
//   - every object schema with properties, nested ones included, gets
//     additionalProperties: false;
//   - the dispute_id path parameter's pattern `^(dsp)_(\\w{26})$` (a doubled
//     backslash: it matches a literal backslash) and Dispute.id's (22
//     characters), which contradict each other and the spec's own example
//     (20 characters), both become `^(dsp)_(\w{20,26})$`;
//   - Dispute.relevant_evidence, an array of arrays whose inner array has
//     the string enum, becomes the array of strings its description and
//     example show;
//   - StoreTokenInstrumentRequest.token's pattern "^(tok)_(\w{26})$ |
//     ^(card_tok)_(\w{12})$" (spaces around the "|": no token matches)
//     loses the spaces;
//   - PaymentResponseBalances no longer requires an "id" it does not define;
//   - POST /payments takes PaymentRequest only (the connector never sends
//     the PayoutRequest of the oneOf), so errors name the failing field.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/connectorhost/connector-host/internal/specfake"
	"github.com/getkin/kin-openapi/openapi3"
)

var (
	docOnce sync.Once
	docVal  *openapi3.T
	docErr  error
)

// checkoutDoc loads and repairs the spec once, or skips without the oracles.
func checkoutDoc(t testing.TB) *openapi3.T {
	t.Helper()
	path := filepath.Join(specfake.OraclesDir(t), "checkout", "checkout-nas.json")
	docOnce.Do(func() {
		raw, err := os.ReadFile(path)
		if err != nil {
			docErr = err
			return
		}
		var doc map[string]any
		if docErr = json.Unmarshal(raw, &doc); docErr != nil {
			return
		}
		repair(doc)
		fixed, err := json.Marshal(doc)
		if err != nil {
			docErr = err
			return
		}
		dir, err := os.MkdirTemp("", "checkout-spec")
		if err != nil {
			docErr = err
			return
		}
		defer os.RemoveAll(dir)
		tmp := filepath.Join(dir, "checkout-nas-repaired.json")
		if docErr = os.WriteFile(tmp, fixed, 0o600); docErr != nil {
			return
		}
		docVal, docErr = specfake.Load(tmp, specfake.LoadOptions{CloseObjects: true})
	})
	if docErr != nil {
		t.Fatalf("load the Checkout.com spec: %v", docErr)
	}
	return docVal
}

func repair(doc map[string]any) {
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	resolve := func(s map[string]any) map[string]any {
		for i := 0; i < 10; i++ {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			s = schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		}
		return s
	}
	var flatten func(s map[string]any) map[string]any
	flatten = func(s map[string]any) map[string]any {
		all, ok := s["allOf"].([]any)
		if !ok || len(all) < 2 {
			return s
		}
		props, required := map[string]any{}, []any{}
		own := map[string]any{"properties": s["properties"], "required": s["required"]}
		for i, m := range append([]any{own}, all...) {
			ms := m.(map[string]any)
			if i > 0 {
				ms = flatten(resolve(ms))
			}
			if ms["oneOf"] != nil || ms["anyOf"] != nil {
				return s // not all plain objects: leave it
			}
			p, _ := ms["properties"].(map[string]any)
			for k, v := range p {
				props[k] = v
			}
			if r, ok := ms["required"].([]any); ok {
				required = append(required, r...)
			}
		}
		out := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			out["required"] = required
		}
		if d, ok := s["description"]; ok {
			out["description"] = d
		}
		return out
	}
	// Flatten from the originals, then swap discriminator bases for oneOf.
	flat := map[string]any{}
	for name, s := range schemas {
		flat[name] = flatten(s.(map[string]any))
	}
	for name, s := range flat {
		m := s.(map[string]any)
		d, ok := m["discriminator"].(map[string]any)
		if mapping, has := d["mapping"].(map[string]any); ok && has && m["oneOf"] == nil {
			var refs []any
			for _, ref := range mapping {
				refs = append(refs, map[string]any{"$ref": ref})
			}
			flat[name] = map[string]any{"oneOf": refs, "discriminator": d}
		}
		schemas[name] = flat[name]
	}
	for _, s := range schemas {
		closeNested(s)
	}
	if d, ok := schemas["Dispute"].(map[string]any); ok {
		props := d["properties"].(map[string]any)
		props["id"].(map[string]any)["pattern"] = `^(dsp)_(\w{20,26})$`
		// relevant_evidence is written as an array of arrays whose inner
		// array carries the string enum; its description and example are a
		// list of strings.
		items := props["relevant_evidence"].(map[string]any)["items"].(map[string]any)
		items["type"] = "string"
		delete(items, "items")
	}
	// The token pattern has spaces around its "|", so its first branch
	// needs a space after the end of input: no token can match it.
	tokenProps := schemas["StoreTokenInstrumentRequest"].(map[string]any)["properties"].(map[string]any)
	tok := tokenProps["token"].(map[string]any)
	tok["pattern"] = strings.ReplaceAll(tok["pattern"].(string), "$ | ^", "$|^")
	// The balances require an "id" they do not define (and no example has).
	delete(schemas["PaymentResponseBalances"].(map[string]any), "required")
	// This connector makes payments, never payouts: check POST /payments
	// against PaymentRequest alone (stricter, and the errors name the field).
	body := doc["paths"].(map[string]any)["/payments"].(map[string]any)["post"].(map[string]any)["requestBody"].(map[string]any)
	body["content"].(map[string]any)["application/json"].(map[string]any)["schema"] = map[string]any{"$ref": "#/components/schemas/PaymentRequest"}
	for _, p := range doc["paths"].(map[string]any) {
		for _, op := range p.(map[string]any) {
			o, ok := op.(map[string]any)
			if !ok {
				continue
			}
			params, _ := o["parameters"].([]any)
			for _, x := range params {
				if x.(map[string]any)["name"] == "dispute_id" {
					x.(map[string]any)["schema"].(map[string]any)["pattern"] = `^(dsp)_(\w{20,26})$`
				}
			}
		}
	}
}

// closeNested closes every object schema with properties below s (s itself
// is closed by specfake.LoadOptions.CloseObjects when it is a component).
func closeNested(v any) {
	switch x := v.(type) {
	case map[string]any:
		if _, has := x["additionalProperties"]; !has && x["properties"] != nil && x["allOf"] == nil && x["oneOf"] == nil {
			x["additionalProperties"] = false
		}
		for k, c := range x {
			if k != "example" && k != "examples" {
				closeNested(c)
			}
		}
	case []any:
		for _, c := range x {
			closeNested(c)
		}
	}
}
