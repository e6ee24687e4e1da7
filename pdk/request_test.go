package pdk

import "testing"

// TestIdempotencyKeyMarksRetrySafeOnlyWhenHonoured: IdempotencyKey lets
// the host retry the request; AdvisoryIdempotencyKey sends the same header
// but keeps the host from repeating it.
func TestIdempotencyKeyMarksRetrySafeOnlyWhenHonoured(t *testing.T) {
	honoured := NewRequest("POST", "https://api.example/refunds").IdempotencyKey("Idempotency-Key", "refund:r1").Build()
	advisory := NewRequest("POST", "https://api.example/refunds").AdvisoryIdempotencyKey("Idempotency-Key", "refund:r1").Build()
	if Header(honoured.GetHeaders(), "Idempotency-Key") != "refund:r1" || Header(advisory.GetHeaders(), "Idempotency-Key") != "refund:r1" {
		t.Errorf("headers: %v / %v", honoured.GetHeaders(), advisory.GetHeaders())
	}
	if !honoured.GetIdempotent() || advisory.GetIdempotent() {
		t.Errorf("idempotent: honoured %v, advisory %v; want true, false", honoured.GetIdempotent(), advisory.GetIdempotent())
	}
}
