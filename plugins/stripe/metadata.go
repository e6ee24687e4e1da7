package stripe

import (
	"fmt"
	"sort"

	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
)

// Stripe's metadata limits (https://docs.stripe.com/api/metadata).
const (
	maxMetadataKeys     = 50
	maxMetadataKeyLen   = 40
	maxMetadataValueLen = 500
)

// writeMetadata writes metadata[k]=v in sorted key order. extra pairs (the
// plugin's own reconciliation keys, e.g. merchant_transaction_id) are added
// unless the caller set the same key. Empty extra values are skipped.
func writeMetadata(f *form.Values, md map[string]string, extra ...string) error {
	all := make(map[string]string, len(md)+len(extra)/2)
	for k, v := range md {
		all[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if _, ok := all[extra[i]]; !ok && extra[i+1] != "" {
			all[extra[i]] = extra[i+1]
		}
	}
	if len(all) == 0 {
		return nil
	}
	if len(all) > maxMetadataKeys {
		return pdk.InvalidRequest("metadata", fmt.Sprintf("has %d keys; Stripe allows %d", len(all), maxMetadataKeys))
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := f.Nest("metadata")
	for _, k := range keys {
		switch {
		case k == "":
			return pdk.InvalidRequest("metadata", "keys must not be empty")
		case len(k) > maxMetadataKeyLen:
			return pdk.InvalidRequest("metadata", fmt.Sprintf("key %q is longer than %d characters", k, maxMetadataKeyLen))
		case len(all[k]) > maxMetadataValueLen:
			return pdk.InvalidRequest("metadata", fmt.Sprintf("value of %q is longer than %d characters", k, maxMetadataValueLen))
		}
		m.Set(k, all[k])
	}
	return nil
}
