package abi

// The host's crypto functions. A plugin may import them from CryptoModule
// instead of linking Go's crypto packages, which would add about half a
// megabyte (the FIPS module's self-tests and random generator) to every
// plugin. They are pure: their result depends only on their arguments, they
// read and write only the guest memory their arguments name, and they never
// see a credential the guest does not pass them. A host that does not
// provide one of them refuses, at load, a plugin that imports it, naming the
// import; docs/plugin-abi.md lists them with their signatures.
const (
	// CryptoModule is the import module of the host's crypto functions.
	CryptoModule = "connector_crypto"
	// CryptoDigest is digest(alg, msg_ptr, msg_len, out_ptr) -> i32: it
	// writes the digest of msg to out (room for MaxDigestSize bytes) and
	// returns its length, or -1 for an unknown algorithm.
	CryptoDigest = "digest"
	// CryptoHMAC is hmac(alg, key_ptr, key_len, msg_ptr, msg_len, out_ptr) ->
	// i32: like digest, for HMAC(key, msg).
	CryptoHMAC = "hmac"
	// CryptoVerifyCertificate is verify_certificate(chain_ptr, chain_len,
	// roots_ptr, roots_len, now_unix i64, alg, msg_ptr, msg_len, sig_ptr,
	// sig_len, out_ptr, out_cap) -> i32. It checks that the first PEM
	// certificate of chain (the others are intermediates) chains to one of
	// the PEM roots at now_unix, and that its key signed msg with sig under
	// the signature algorithm alg. On success it returns n >= 0 and out holds
	// the first n bytes of the leaf's subject common name; on failure it
	// returns -1-n and out holds the first n bytes of the reason.
	CryptoVerifyCertificate = "verify_certificate"
	// CryptoCountCertificates is count_certificates(pem_ptr, pem_len,
	// out_ptr, out_cap) -> i32: the number of PEM certificates in pem when
	// every one parses, else -1-n with the first n bytes of the reason in
	// out. It lets a plugin check a pinned certificate before it needs it.
	CryptoCountCertificates = "count_certificates"
	// MaxDigestSize is the largest digest the host writes (SHA-512's).
	MaxDigestSize = 64
	// MaxCertificateInput bounds each PEM input of verify_certificate; a
	// longer one fails. MaxChainCertificates bounds the certificates of a
	// chain.
	MaxCertificateInput  = 64 << 10
	MaxChainCertificates = 8
)

// HashAlgorithm names a hash function of the crypto host functions.
type HashAlgorithm uint32

// The hash algorithms.
const (
	SHA1   HashAlgorithm = 1
	SHA256 HashAlgorithm = 2
	SHA384 HashAlgorithm = 3
	SHA512 HashAlgorithm = 4
)

// SignatureAlgorithm names a certificate signature scheme of
// verify_certificate.
type SignatureAlgorithm uint32

// The signature algorithms.
const (
	SHA256WithRSA   SignatureAlgorithm = 1
	SHA384WithRSA   SignatureAlgorithm = 2
	SHA512WithRSA   SignatureAlgorithm = 3
	ECDSAWithSHA256 SignatureAlgorithm = 4
)
