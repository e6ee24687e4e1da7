package jsonr

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/pdk"
)

func TestMember(t *testing.T) {
	o, err := Member(&pdk.Response{Status: 201, Body: []byte(`{"payments":{"id":"PM1","status":"pending"}}`)}, "Acme", "payments")
	if err != nil || Str(o, "status") != "pending" {
		t.Fatalf("Member: %v, %v", o, err)
	}
	for body, want := range map[string]string{
		`{"refunds":{"id":"RF1"}}`:    "Acme's answer (HTTP 200) has no payments object",
		`{"payments":"PM1"}`:          "Acme's answer (HTTP 200) has no payments object",
		`{"payments":{"id":""}}`:      "Acme's payments has no id",
		`{"payments":{"status":"x"}}`: "Acme's payments has no id",
		`<html>`:                      "Acme answered HTTP 200 with a body that is not a JSON object",
	} {
		_, err := Member(&pdk.Response{Status: 200, Body: []byte(body)}, "Acme", "payments")
		if err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}

func TestNeedStr(t *testing.T) {
	v := TryObject([]byte(`{"id":"cus_1","name":""}`))
	if id, err := NeedStr(v, "Acme", "customer", "id"); id != "cus_1" || err != nil {
		t.Errorf("NeedStr: %q, %v", id, err)
	}
	_, err := NeedStr(v, "Acme", "customer", "name")
	if err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE || !strings.Contains(err.Error(), "Acme's customer answer has no name") {
		t.Errorf("an empty member: %v", err)
	}
}

func TestObjectWithID(t *testing.T) {
	check := func(res *pdk.Response) error {
		if res.Status >= 300 {
			return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, "HTTP %d", res.Status)
		}
		return nil
	}
	v, id, err := ObjectWithID(&pdk.Response{Status: 201, Body: []byte(`{"id":"cust_1","name":"A"}`)}, "Acme", check, "customer", "id")
	if err != nil || id != "cust_1" || Str(v, "name") != "A" {
		t.Fatalf("ObjectWithID: %v, %q, %v", v, id, err)
	}
	if _, _, err := ObjectWithID(&pdk.Response{Status: 404, Body: []byte(`{"id":"x"}`)}, "Acme", check, "customer", "id"); err == nil ||
		kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND {
		t.Errorf("check's error comes first: %v", err)
	}
	if _, _, err := ObjectWithID(&pdk.Response{Status: 200, Body: []byte(`oops`)}, "Acme", check, "customer", "id"); err == nil ||
		kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
		t.Errorf("not an object: %v", err)
	}
	if _, _, err := ObjectWithID(&pdk.Response{Status: 200, Body: []byte(`{"name":"A"}`)}, "Acme", check, "customer", "id"); err == nil ||
		!strings.Contains(err.Error(), "Acme's customer answer has no id") {
		t.Errorf("no id: %v", err)
	}
}
