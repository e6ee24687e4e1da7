package auth_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/auth"
)

func TestAuthenticate(t *testing.T) {
	a := auth.New(map[string][32]byte{"shop": auth.Hash("key-shop-0123456789"), "ops": auth.Hash("key-ops-0123456789")})
	require.True(t, a.Enabled())
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	name, err := a.Authenticate(h("Authorization", "Bearer key-shop-0123456789"))
	require.NoError(t, err)
	assert.Equal(t, "shop", name)
	name, err = a.Authenticate(h("authorization", "bearer key-ops-0123456789"))
	require.NoError(t, err)
	assert.Equal(t, "ops", name)
	name, err = a.Authenticate(h("x-api-key", "key-ops-0123456789"))
	require.NoError(t, err)
	assert.Equal(t, "ops", name)

	for _, tc := range []struct {
		h    http.Header
		want error
	}{
		{h(), auth.ErrMissing},
		{h("Authorization", "Basic a2V5"), auth.ErrMissing},
		{h("Authorization", "Bearer "), auth.ErrMissing},
		{h("Authorization", "Bearer key-shop-012345678"), auth.ErrInvalid},
		{h("x-api-key", "KEY-SHOP-0123456789"), auth.ErrInvalid},
	} {
		_, err := a.Authenticate(tc.h)
		assert.ErrorIs(t, err, tc.want, "%v", tc.h)
		assert.NotContains(t, err.Error(), "key-shop")
	}
	assert.False(t, auth.New(nil).Enabled())
}
