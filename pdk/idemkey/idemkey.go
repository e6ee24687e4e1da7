// Package idemkey derives processor idempotency keys from the merchant's id
// for an operation, deterministically and within the processor's length limit.
package idemkey

import "github.com/connectorhost/connector-host/pdk/sig"

// Derive returns "<op>:<id>". When that is longer than max bytes it returns
// "<op>:" followed by as much of the hex SHA-256 of id as fits, so a long id
// still gives the same key on every retry. The operation prefix keeps one
// merchant id used for two operations (a payment and its refund) from
// colliding in a processor's account-wide key space. max below len(op)+2
// is raised to it.
func Derive(op, id string, max int) string {
	k := op + ":" + id
	if len(k) <= max {
		return k
	}
	n := max - len(op) - 1
	if n < 1 {
		n = 1
	}
	h := sig.SHA256Hex([]byte(id))
	if n > len(h) {
		n = len(h)
	}
	return op + ":" + h[:n]
}
