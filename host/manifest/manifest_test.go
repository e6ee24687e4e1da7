package manifest

import (
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

func valid() *v1.Manifest {
	return &v1.Manifest{
		Name: "acme", Version: "1.0.0", AbiVersion: 1,
		Flows:             []v1.Flow{v1.Flow_FLOW_AUTHORIZE, v1.Flow_FLOW_GET},
		IdempotencyHeader: "Idempotency-Key",
		CredentialFields: []*v1.CredentialField{
			{Name: "api_key", Secret: true, Required: true}, {Name: "prefix"}, {Name: "webhook_secret", Secret: true},
		},
		Webhooks:       &v1.WebhookSupport{Supported: true, SecretField: "webhook_secret", Timestamped: true, ToleranceSeconds: 300},
		Currencies:     []string{"USD", "JPY"},
		EgressHosts:    []string{"api.acme.test", "*.acme-live.test"},
		SandboxBaseUrl: "https://api.acme.test/v1",
		LiveBaseUrl:    "https://{prefix}.acme-live.test/v1",
	}
}

func TestValidManifest(t *testing.T) {
	require.NoError(t, Validate(valid(), "acme"))
}

func TestValidateNamesEachProblem(t *testing.T) {
	cases := map[string]struct {
		mutate func(m *v1.Manifest)
		want   string
	}{
		"name mismatch":       {func(m *v1.Manifest) {}, `must equal the file's base name "other"`},
		"abi":                 {func(m *v1.Manifest) { m.AbiVersion = 2 }, "manifest.abi_version is 2"},
		"no flows":            {func(m *v1.Manifest) { m.Flows = nil }, "manifest.flows is empty"},
		"unknown flow":        {func(m *v1.Manifest) { m.Flows = append(m.Flows, 999) }, "unknown flow"},
		"no idempotency":      {func(m *v1.Manifest) { m.IdempotencyHeader = "" }, "manifest.idempotency_header"},
		"negative window":     {func(m *v1.Manifest) { m.IdempotencyWindowSeconds = -1 }, "manifest.idempotency_window_seconds is -1"},
		"base outside egress": {func(m *v1.Manifest) { m.SandboxBaseUrl = "https://evil.test/v1" }, "manifest.sandbox_base_url: host"},
		"http base":           {func(m *v1.Manifest) { m.SandboxBaseUrl = "http://api.acme.test" }, "must use https"},
		"bad placeholder":     {func(m *v1.Manifest) { m.LiveBaseUrl = "https://{nope}.acme-live.test" }, "placeholder {nope}"},
		"webhook secret":      {func(m *v1.Manifest) { m.Webhooks.SecretField = "missing" }, "manifest.webhooks.secret_field"},
		"currency":            {func(m *v1.Manifest) { m.Currencies = []string{"usd"} }, `manifest.currencies: "usd"`},
		"wildcard egress":     {func(m *v1.Manifest) { m.EgressHosts = []string{"*"} }, "manifest.egress_hosts"},
		"no egress":           {func(m *v1.Manifest) { m.EgressHosts = nil }, "manifest.egress_hosts is empty"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			m := proto.Clone(valid()).(*v1.Manifest)
			c.mutate(m)
			file := "acme"
			if name == "name mismatch" {
				file = "other"
			}
			err := Validate(m, file)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestHostAllowed(t *testing.T) {
	p := []string{"api.stripe.com", "*.adyenpayments.com"}
	assert.True(t, HostAllowed("api.stripe.com", p))
	assert.True(t, HostAllowed("API.Stripe.com.", p))
	assert.True(t, HostAllowed("abc-checkout-live.adyenpayments.com", p))
	assert.False(t, HostAllowed("adyenpayments.com", p))
	assert.False(t, HostAllowed("evil-adyenpayments.com", p))
	assert.False(t, HostAllowed("api.stripe.com.evil.test", p))
}

func TestFillPlaceholders(t *testing.T) {
	u, err := FillPlaceholders("https://{prefix}-checkout-live.adyenpayments.com/v71", map[string]string{"prefix": "1797a841fbb37ca7-AdyenDemo"})
	require.NoError(t, err)
	assert.Equal(t, "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/v71", u)
	_, err = FillPlaceholders("https://{prefix}.x.test", map[string]string{"prefix": "evil.test/"})
	assert.Error(t, err, "a credential must not inject another host")
	_, err = FillPlaceholders("https://{prefix}.x.test", nil)
	assert.Error(t, err)
}

func TestEgressHostsMustBeDNSNames(t *testing.T) {
	for h, want := range map[string]string{
		"127.0.0.1":          "is an IP address",
		"*.0.0.1":            "ends in a numeric label",
		"169.254.169.254":    "is an IP address",
		"[::1]":              "is an IP address",
		"::1":                "is an IP address",
		"2130706433":         "ends in a numeric label",
		"0x7f000001":         "ends in a numeric label",
		"localhost":          "is a loopback name",
		"api.localhost":      "is a loopback name",
		"*.metadata.0x1":     "ends in a numeric label",
		"10.0.0.1.":          "is an IP address",
		"*.internal.10.0.0":  "ends in a numeric label",
		"processor.internal": "",
	} {
		m := valid()
		m.EgressHosts = append(m.EgressHosts, h)
		err := Validate(m, "acme")
		if want == "" {
			assert.NoError(t, err, h)
			continue
		}
		require.Error(t, err, h)
		assert.Contains(t, err.Error(), want, h)
		assert.Contains(t, err.Error(), "manifest.egress_hosts", h)
	}
}
