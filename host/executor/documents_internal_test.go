package executor

import (
	"fmt"
	"testing"
	"time"
)

func TestDocCacheIsBoundedAndExpires(t *testing.T) {
	c := newDocCache(time.Minute, 3)
	now := time.Unix(1_800_000_000, 0)
	key := func(i int) docKey { return docKey{connector: "c", url: fmt.Sprint("https://h.test/", i)} }
	for i := range 3 {
		c.put(key(i), []byte{byte(i)}, now.Add(time.Duration(i)*time.Second))
	}
	c.put(key(3), []byte{3}, now.Add(3*time.Second))
	if len(c.entries) != 3 {
		t.Fatalf("%d entries, want at most 3", len(c.entries))
	}
	if _, ok := c.get(key(0), now.Add(3*time.Second)); ok {
		t.Error("the entry closest to expiry was kept when the cache was full")
	}
	if b, ok := c.get(key(3), now.Add(3*time.Second)); !ok || b[0] != 3 {
		t.Error("the newest entry is missing")
	}
	if _, ok := c.get(key(3), now.Add(3*time.Second+time.Minute)); ok {
		t.Error("an entry was served after its TTL")
	}
	if _, ok := c.get(docKey{connector: "other", url: key(1).url}, now.Add(3*time.Second)); ok {
		t.Error("another connector was served a document its own plugin did not ask for")
	}
	if _, ok := c.get(key(1), now.Add(3*time.Second)); !ok {
		t.Error("a live entry is missing")
	}
}
