package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/platform/app"
	"github.com/connectorhost/connector-host/platform/secrets"
	"github.com/connectorhost/connector-host/platform/store"
	"github.com/connectorhost/connector-host/platform/store/storetest"
)

// TestMountedHandlerAndSharedDatabase: another package's handler is served
// beside the API, and it can migrate and use the platform's database.
func TestMountedHandlerAndSharedDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		mounted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "tzero:"+r.URL.Path) })
		a, err := app.New(ctx, app.Config{Listen: "127.0.0.1:0", DatabaseURL: dbURL, EncryptionKeys: secrets.NewKey("k1")}, app.WithHandler("/v1/tzero/", mounted))
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- a.Serve(ctx) }()
		defer func() { cancel(); <-done }()
		want := map[string]string{"sqlite": store.SQLite, "postgres": store.Postgres}[strings.SplitN(t.Name(), "/", 2)[1]]
		if a.Dialect() != want {
			t.Fatalf("Dialect() = %q, want %q", a.Dialect(), want)
		}
		err = a.Store().MigrateSet(ctx, "tzero", []store.Migration{{Version: 1, Name: "t", SQL: `CREATE TABLE tzero_things (id TEXT PRIMARY KEY)`}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.DB().ExecContext(ctx, `INSERT INTO tzero_things (id) VALUES ($1)`, "x"); err != nil {
			t.Fatal(err)
		}
		res, err := http.Get("http://" + a.Addr() + "/v1/tzero/intents")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(b) != "tzero:/v1/tzero/intents" {
			t.Fatalf("mounted handler answered %q", b)
		}
	})
}

// TestKeyRotation: with a new key first, the platform re-encrypts stored
// credentials and webhook secrets at start; after the old key is dropped
// they still work.
func TestKeyRotation(t *testing.T) {
	dbURL := storetest.SQLiteURL(t)
	k1, k2 := secrets.NewKey("k1"), secrets.NewKey("k2")
	p := startPlatform(t, platformOpts{dbURL: dbURL, keys: k1})
	_, pm := setup(t, p)
	p.call("POST", "/webhooks", map[string]any{"url": "https://merchant.example/hooks", "events": []string{"*"}}).must(t, 201)
	p.stop()
	p = startPlatform(t, platformOpts{dbURL: dbURL, keys: k2 + "," + k1, proxy: p.proxy})
	p.stop()
	var enc string
	p = startPlatform(t, platformOpts{dbURL: dbURL, keys: k2, proxy: p.proxy})
	if err := p.app.DB().QueryRow(`SELECT credentials FROM connectors`).Scan(&enc); err != nil || !strings.HasPrefix(enc, "k2:") {
		t.Fatalf("credentials after rotation are not under k2 (key id %q): %v", strings.SplitN(enc, ":", 2)[0], err)
	}
	if err := p.app.DB().QueryRow(`SELECT secret FROM webhook_endpoints`).Scan(&enc); err != nil || !strings.HasPrefix(enc, "k2:") {
		t.Fatalf("webhook secret after rotation is not under k2 (key id %q): %v", strings.SplitN(enc, ":", 2)[0], err)
	}
	id := createIntent(t, p, 1000, "automatic", pm)
	if in := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200); in.str("status") != "succeeded" {
		t.Fatalf("confirm with rotated credentials = %s", in.raw)
	}
	if r := p.call("POST", "/connectors/"+in0(p)+"/test", nil).must(t, 200); r.body["ok"] != true {
		t.Fatalf("connector test = %s", r.raw)
	}
}

// in0 is the first connector's id.
func in0(p *platform) string {
	return dig(p.call("GET", "/connectors", nil).body, "data", "0", "id").(string)
}
