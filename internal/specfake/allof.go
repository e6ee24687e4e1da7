package specfake

import "strings"

// mergeAllOf replaces every `allOf` whose members are object schemas by one
// object schema holding the union of their properties and required lists
// (members given by `$ref` to #/components/schemas are inlined). PayPal's
// documents compose most request and response objects this way; closing
// each member with additionalProperties: false would refuse the members'
// own properties, so objects are merged first and closed after.
func mergeAllOf(doc map[string]any) {
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	m := &merger{schemas: schemas, done: map[string]bool{}}
	for name := range schemas {
		m.component(name)
	}
	m.walk(doc["paths"])
}

type merger struct {
	schemas map[string]any
	done    map[string]bool
}

// component merges the allOf of a named schema once (cycles stop at the
// second visit, leaving that schema as it is).
func (m *merger) component(name string) map[string]any {
	s, _ := m.schemas[name].(map[string]any)
	if s == nil || m.done[name] {
		return s
	}
	m.done[name] = true
	m.walk(s)
	return s
}

// walk merges allOf in v and everything below it.
func (m *merger) walk(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if k == "example" || k == "examples" {
				continue
			}
			m.walk(c)
		}
		m.merge(x)
	case []any:
		for _, c := range x {
			m.walk(c)
		}
	}
}

// merge folds s["allOf"] into s when every member is an object schema.
func (m *merger) merge(s map[string]any) {
	all, ok := s["allOf"].([]any)
	if !ok {
		return
	}
	var members []map[string]any
	for _, a := range all {
		mem, _ := a.(map[string]any)
		if ref, ok := mem["$ref"].(string); ok {
			if !strings.HasPrefix(ref, "#/components/schemas/") {
				return
			}
			mem = m.component(strings.TrimPrefix(ref, "#/components/schemas/"))
		}
		if mem == nil || mem["allOf"] != nil || mem["oneOf"] != nil || mem["anyOf"] != nil ||
			(mem["type"] != nil && mem["type"] != "object") || (mem["type"] == nil && mem["properties"] == nil) {
			return
		}
		members = append(members, mem)
	}
	props, _ := s["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
	}
	required, _ := s["required"].([]any)
	for _, mem := range members {
		if p, ok := mem["properties"].(map[string]any); ok {
			for k, v := range p {
				if _, has := props[k]; !has {
					props[k] = v
				}
			}
		}
		if r, ok := mem["required"].([]any); ok {
			required = append(required, r...)
		}
		if ap, ok := mem["additionalProperties"]; ok {
			if _, has := s["additionalProperties"]; !has {
				s["additionalProperties"] = ap
			}
		}
	}
	delete(s, "allOf")
	s["type"] = "object"
	s["properties"] = props
	if len(required) > 0 {
		s["required"] = required
	}
}
