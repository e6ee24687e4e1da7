//go:build !wasip1

package sig

import (
	"time"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/abi/hostcrypto"
)

func digest(alg abi.HashAlgorithm, msg []byte) ([]byte, bool) {
	d, err := hostcrypto.Digest(nil, alg, msg)
	return d, err == nil
}

func hmacSum(alg abi.HashAlgorithm, key, msg []byte) ([]byte, bool) {
	d, err := hostcrypto.HMAC(nil, alg, key, msg)
	return d, err == nil
}

func verifyCertificate(chain, roots []byte, now int64, alg abi.SignatureAlgorithm, msg, signature []byte) (string, string, bool) {
	cn, err := hostcrypto.VerifyCertificate(chain, roots, time.Unix(now, 0), alg, msg, signature)
	if err != nil {
		return "", err.Error(), false
	}
	return cn, "", true
}

func countCertificates(pemText []byte) (int, string, bool) {
	n, err := hostcrypto.CountCertificates(pemText)
	if err != nil {
		return 0, err.Error(), false
	}
	return n, "", true
}
