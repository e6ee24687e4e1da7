package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/connectorhost/connector-host/platform/api"
	"github.com/connectorhost/connector-host/platform/store/storetest"
)

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

// specHost is the server the router matches; requests are rewritten to it.
const specHost = "http://platform.test"

func loadSpec() (routers.Router, error) {
	specOnce.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
		if err != nil {
			specErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = err
			return
		}
		doc.Servers = openapi3.Servers{{URL: specHost + api.Base}}
		specRouter, specErr = gorillamux.NewRouter(doc)
	})
	return specRouter, specErr
}

// checkOpenAPI fails the test when the answer to req is not what the
// OpenAPI document says that operation answers (an undocumented endpoint,
// status, header or body field included).
func checkOpenAPI(t testing.TB, req *http.Request, reqBody []byte, res *http.Response, body []byte) {
	t.Helper()
	router, err := loadSpec()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	u, _ := url.Parse(specHost + req.URL.RequestURI())
	r := req.Clone(context.Background())
	r.URL, r.Host = u, u.Host
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(r)
	if err != nil {
		t.Fatalf("%s %s is not in openapi.json: %v", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
			Options: &openapi3filter.Options{ExcludeRequestBody: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Fatalf("%s %s answered %d, which openapi.json does not allow: %v\n%s", req.Method, req.URL.Path, res.StatusCode, err, body)
	}
}

// TestOpenAPIServed: the document is valid OpenAPI 3.1 and is served as checked in.
func TestOpenAPIServed(t *testing.T) {
	if _, err := loadSpec(); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	p := startPlatform(t, platformOpts{dbURL: storetest.SQLiteURL(t)})
	res, err := http.Get(p.url + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !bytes.Equal(b, api.OpenAPI) || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /openapi.json = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
