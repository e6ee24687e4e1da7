package jsonw

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestObjectIsValidJSONInOrder(t *testing.T) {
	o := NewObject()
	o.String("merchantAccount", "Acme\"Shop\\\n<x>")
	o.Object("amount", func(a *Object) { a.Int("value", -1000).String("currency", "EUR") })
	o.StringIf("empty", "")
	o.Bool("storePaymentMethod", true)
	o.Array("lineItems", func(a *Array) {
		a.Object(func(i *Object) { i.String("description", "ünï\u2028code") })
		a.String("x")
		a.Int(3)
	})
	o.Raw("raw", []byte(`{"a":[1,2]}`))
	o.StringMap("metadata", []string{"b", "a"}, map[string]string{"a": "1", "b": "2"})
	o.Object("nothing", func(*Object) {})
	b := o.Bytes()

	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	assert.Equal(t, "Acme\"Shop\\\n<x>", v["merchantAccount"])
	assert.Equal(t, map[string]any{"value": -1000.0, "currency": "EUR"}, v["amount"])
	assert.NotContains(t, v, "empty")
	assert.Equal(t, "ünï\u2028code", v["lineItems"].([]any)[0].(map[string]any)["description"])
	assert.Contains(t, string(b), `"metadata":{"b":"2","a":"1"}`, "keys keep the given order")
	assert.Contains(t, string(b), `"nothing":{}`)
}

func TestAppendStringInvalidUTF8(t *testing.T) {
	b := AppendString(nil, "a\xffb")
	var s string
	require.NoError(t, json.Unmarshal(b, &s))
	assert.Equal(t, "a\ufffdb", s)
}
