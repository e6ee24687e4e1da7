package pdk

// SetPairs sets prefix+key to value for each key, value pair of kv, in
// order, leaving out empty values (SetIf): an object of optional strings in
// one call. Adyen writes its paymentMethod variants, mpiData and bank
// account identifications so; any JSON or form body can.
func (b *Body) SetPairs(prefix string, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		b.SetIf(prefix+kv[i], kv[i+1])
	}
}
