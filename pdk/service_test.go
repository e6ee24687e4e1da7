package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestServiceBase(t *testing.T) {
	main := &MainAPI{
		Sandbox: "https://api-test.example.com/v1", Live: "https://{prefix}-api-live.example.net/v1",
		Domains: []string{".example.com", ".example.net"}, TestHosts: []string{"api-test.example.com"}, LiveHosts: []string{"-api-live.example.net"},
	}
	disputes := &Service{Config: "disputes_base_url", Test: "https://ca-test.example.com/d", Live: "https://{prefix}-ca-live.example.net/d",
		Path: "/d", Main: main}
	home := &Service{Main: main}
	live, sandbox := pluginv1.Environment_ENVIRONMENT_LIVE, pluginv1.Environment_ENVIRONMENT_SANDBOX
	cases := []struct {
		name, base string
		env        pluginv1.Environment
		config     map[string]string
		svc        *Service
		want       string
	}{
		{"main, default sandbox", "", sandbox, nil, home, "https://api-test.example.com/v1"},
		{"main, default live filled", "", live, nil, home, "https://p1-api-live.example.net/v1"},
		{"main, override", "https://proxy.local/v1/", sandbox, nil, home, "https://proxy.local/v1"},
		{"config wins", "https://api-test.example.com/v1", live, map[string]string{"disputes_base_url": "https://ops.local/d/"}, disputes, "https://ops.local/d"},
		{"test host, even live", "https://api-test.example.com/v1", live, nil, disputes, "https://ca-test.example.com/d"},
		{"fake: origin + path", "http://127.0.0.1:8080/v1", live, nil, disputes, "http://127.0.0.1:8080/d"},
		{"live environment", "", live, nil, disputes, "https://p1-ca-live.example.net/d"},
		{"live host", "https://p1-api-live.example.net/v1", sandbox, nil, disputes, "https://p1-ca-live.example.net/d"},
		{"own domain otherwise", "https://other.example.com/v1", sandbox, nil, disputes, "https://ca-test.example.com/d"},
	}
	for _, tc := range cases {
		c := NewContext(v1.Flow_FLOW_UNSPECIFIED, &pluginv1.CallContext{BaseUrl: tc.base, Environment: tc.env, Config: tc.config,
			Credentials: map[string]string{"prefix": "p1"}}, nil)
		if got, err := tc.svc.Base(c); err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	c := NewContext(v1.Flow_FLOW_UNSPECIFIED, &pluginv1.CallContext{Environment: live}, nil)
	if _, err := disputes.Base(c); err == nil || err.(*Error).Kind != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS {
		t.Errorf("a live base without its placeholder credential: %v", err)
	}
	c = NewContext(v1.Flow_FLOW_UNSPECIFIED, &pluginv1.CallContext{BaseUrl: "not a url"}, nil)
	if _, err := disputes.Base(c); err == nil || err.(*Error).Kind != pluginv1.ErrorKind_ERROR_KIND_INTERNAL {
		t.Errorf("a relative base: %v", err)
	}
}
