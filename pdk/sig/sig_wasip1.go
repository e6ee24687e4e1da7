//go:build wasip1

package sig

import (
	"unsafe"

	"github.com/connectorhost/connector-host/abi"
)

// The host's crypto functions (abi.CryptoModule; docs/plugin-abi.md).

//go:wasmimport connector_crypto digest
func hostDigest(alg uint32, msg unsafe.Pointer, msgLen uint32, out unsafe.Pointer) int32

//go:wasmimport connector_crypto hmac
func hostHMAC(alg uint32, key unsafe.Pointer, keyLen uint32, msg unsafe.Pointer, msgLen uint32, out unsafe.Pointer) int32

//go:wasmimport connector_crypto verify_certificate
func hostVerifyCertificate(chain unsafe.Pointer, chainLen uint32, roots unsafe.Pointer, rootsLen uint32, now int64,
	alg uint32, msg unsafe.Pointer, msgLen uint32, sig unsafe.Pointer, sigLen uint32, out unsafe.Pointer, outCap uint32) int32

//go:wasmimport connector_crypto count_certificates
func hostCountCertificates(pem unsafe.Pointer, pemLen uint32, out unsafe.Pointer, outCap uint32) int32

// ptr is b's first byte, or nil for an empty b (the host reads no bytes then).
func ptr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.SliceData(b))
}

func digest(alg abi.HashAlgorithm, msg []byte) ([]byte, bool) {
	out := make([]byte, abi.MaxDigestSize)
	n := hostDigest(uint32(alg), ptr(msg), uint32(len(msg)), unsafe.Pointer(&out[0]))
	return out[:max(n, 0)], n >= 0
}

func hmacSum(alg abi.HashAlgorithm, key, msg []byte) ([]byte, bool) {
	out := make([]byte, abi.MaxDigestSize)
	n := hostHMAC(uint32(alg), ptr(key), uint32(len(key)), ptr(msg), uint32(len(msg)), unsafe.Pointer(&out[0]))
	return out[:max(n, 0)], n >= 0
}

func verifyCertificate(chain, roots []byte, now int64, alg abi.SignatureAlgorithm, msg, signature []byte) (string, string, bool) {
	out := make([]byte, 512)
	n := hostVerifyCertificate(ptr(chain), uint32(len(chain)), ptr(roots), uint32(len(roots)), now,
		uint32(alg), ptr(msg), uint32(len(msg)), ptr(signature), uint32(len(signature)), unsafe.Pointer(&out[0]), uint32(len(out)))
	if n < 0 {
		return "", string(out[:-1-n]), false
	}
	return string(out[:n]), "", true
}

func countCertificates(pemText []byte) (int, string, bool) {
	out := make([]byte, 512)
	n := hostCountCertificates(ptr(pemText), uint32(len(pemText)), unsafe.Pointer(&out[0]), uint32(len(out)))
	if n < 0 {
		return 0, string(out[:-1-n]), false
	}
	return int(n), "", true
}
