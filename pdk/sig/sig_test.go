package sig

import (
	"encoding/hex"
	"testing"

	"github.com/connectorhost/connector-host/abi"

	"github.com/stretchr/testify/assert"
)

// RFC 4231 test case 2.
func TestHMACSHA256KnownVector(t *testing.T) {
	got := HMACSHA256Hex([]byte("Jefe"), []byte("what do ya want for nothing?"))
	assert.Equal(t, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", got)
	assert.Equal(t, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=", HMACSHA256Base64([]byte("Jefe"), []byte("what do ya want for nothing?")))
}

func TestEqual(t *testing.T) {
	assert.True(t, EqualString("abc", "abc"))
	assert.False(t, EqualString("abc", "abd"))
	assert.False(t, EqualString("abc", "ab"))
	assert.True(t, Equal([]byte{1, 2}, []byte{1, 2}))
	assert.False(t, Equal([]byte{1, 2}, []byte{1, 3}))
}

// SHA-1 HMAC keyed by a SHA-1 digest is Braintree's webhook signature; RFC
// 2202 test case 2 checks the HMAC, FIPS 180's "abc" the digest.
func TestSHA1(t *testing.T) {
	assert.Equal(t, "a9993e364706816aba3e25717850c26c9cd0d89d", hex.EncodeToString(Digest(abi.SHA1, []byte("abc"))))
	assert.Equal(t, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
		hex.EncodeToString(HMAC(abi.SHA1, []byte("Jefe"), []byte("what do ya want for nothing?"))))
	assert.Panics(t, func() { Digest(0, nil) }, "an algorithm the ABI does not define is a programming error")
}
