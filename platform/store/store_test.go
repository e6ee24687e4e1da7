package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/connectorhost/connector-host/platform/store"
	"github.com/connectorhost/connector-host/platform/store/storetest"
)

// TestMigrateTwiceAndConditionalUpdate: migrations are idempotent (a second
// instance starting on the same database changes nothing), and a
// conditional UPDATE racing itself has exactly one winner on both databases.
func TestMigrateTwiceAndConditionalUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for range 2 {
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		now := store.Now()
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO intents (id, tenant_id, status, amount, currency, capture_method, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, "pi_1", "t1", "requires_capture", 100, "USD", "manual", 1, now, now); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wins := make(chan int64, 8)
		for range 8 {
			wg.Go(func() {
				res, err := db.SQL.ExecContext(ctx, `UPDATE intents SET status = 'processing', version = version + 1 WHERE id = $1 AND status = 'requires_capture'`, "pi_1")
				if err != nil {
					t.Error(err)
					return
				}
				wins <- store.Affected(res)
			})
		}
		wg.Wait()
		close(wins)
		var total int64
		for n := range wins {
			total += n
		}
		if total != 1 {
			t.Fatalf("%d winners, want exactly 1", total)
		}
	})
}
