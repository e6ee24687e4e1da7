package store

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// NewID returns prefix + "_" + a time-ordered, random-suffixed id: ids
// created later sort after earlier ones (to the nanosecond), which makes
// ORDER BY id creation order and keyset pagination stable under inserts.
func NewID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s_%016x%s", prefix, uint64(time.Now().UnixNano()), hex.EncodeToString(b[:]))
}

// Now is the current time in unix milliseconds, the schema's timestamp unit.
func Now() int64 { return time.Now().UnixMilli() }
