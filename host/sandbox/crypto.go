package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/abi/hostcrypto"
)

// cryptoFunctions are the host's crypto functions (abi.CryptoModule) by
// name: what a plugin may import from that module.
var cryptoFunctions = map[string]struct {
	fn      api.GoModuleFunc
	params  []api.ValueType
	results []api.ValueType
}{
	abi.CryptoDigest: {cryptoDigest, i32s(4), i32s(1)},
	abi.CryptoHMAC:   {cryptoHMAC, i32s(6), i32s(1)},
	abi.CryptoVerifyCertificate: {cryptoVerifyCertificate,
		append(append(i32s(4), api.ValueTypeI64), i32s(7)...), i32s(1)},
	abi.CryptoCountCertificates: {cryptoCountCertificates, i32s(4), i32s(1)},
}

func i32s(n int) []api.ValueType {
	out := make([]api.ValueType, n)
	for i := range out {
		out[i] = api.ValueTypeI32
	}
	return out
}

// instantiateCrypto adds the crypto host module to rt.
func instantiateCrypto(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder(abi.CryptoModule)
	for name, f := range cryptoFunctions {
		b.NewFunctionBuilder().WithGoModuleFunction(f.fn, f.params, f.results).Export(name)
	}
	_, err := b.Instantiate(ctx)
	return err
}

// guestBytes is the guest memory [ptr, ptr+n). It aliases the memory: read
// it before writing any. A range outside the memory panics, which fails the
// guest's call as a trap (the guest passed a bad pointer).
func guestBytes(m api.Module, ptr, n uint64) []byte {
	b, ok := m.Memory().Read(api.DecodeU32(ptr), api.DecodeU32(n))
	if !ok {
		panic(fmt.Errorf("%s: [%d, +%d) is outside the plugin's memory", abi.CryptoModule, api.DecodeU32(ptr), api.DecodeU32(n)))
	}
	return b
}

// writeGuest writes b at ptr, or panics like guestBytes.
func writeGuest(m api.Module, ptr uint64, b []byte) {
	if !m.Memory().Write(api.DecodeU32(ptr), b) {
		panic(fmt.Errorf("%s: [%d, +%d) is outside the plugin's memory", abi.CryptoModule, api.DecodeU32(ptr), len(b)))
	}
}

// cryptoDigest is digest(alg, msg_ptr, msg_len, out_ptr) -> i32.
func cryptoDigest(_ context.Context, m api.Module, stack []uint64) {
	var buf [abi.MaxDigestSize]byte
	d, err := hostcrypto.Digest(buf[:0], abi.HashAlgorithm(api.DecodeU32(stack[0])), guestBytes(m, stack[1], stack[2]))
	stack[0] = writeDigest(m, stack[3], d, err)
}

// cryptoHMAC is hmac(alg, key_ptr, key_len, msg_ptr, msg_len, out_ptr) -> i32.
func cryptoHMAC(_ context.Context, m api.Module, stack []uint64) {
	var buf [abi.MaxDigestSize]byte
	d, err := hostcrypto.HMAC(buf[:0], abi.HashAlgorithm(api.DecodeU32(stack[0])), guestBytes(m, stack[1], stack[2]), guestBytes(m, stack[3], stack[4]))
	stack[0] = writeDigest(m, stack[5], d, err)
}

func writeDigest(m api.Module, out uint64, d []byte, err error) uint64 {
	if err != nil {
		return api.EncodeI32(-1)
	}
	writeGuest(m, out, d)
	return api.EncodeI32(int32(len(d)))
}

// cryptoVerifyCertificate is verify_certificate(chain_ptr, chain_len,
// roots_ptr, roots_len, now_unix i64, alg, msg_ptr, msg_len, sig_ptr,
// sig_len, out_ptr, out_cap) -> i32.
func cryptoVerifyCertificate(_ context.Context, m api.Module, s []uint64) {
	chain, roots := guestBytes(m, s[0], s[1]), guestBytes(m, s[2], s[3])
	now := time.Unix(int64(s[4]), 0)
	alg := abi.SignatureAlgorithm(api.DecodeU32(s[5]))
	msg, sig := guestBytes(m, s[6], s[7]), guestBytes(m, s[8], s[9])
	cn, err := hostcrypto.VerifyCertificate(chain, roots, now, alg, msg, sig)
	if err != nil {
		s[0] = writeReason(m, s[10], s[11], err)
		return
	}
	n := min(len(cn), int(api.DecodeU32(s[11])))
	writeGuest(m, s[10], []byte(cn[:n]))
	s[0] = api.EncodeI32(int32(n))
}

// cryptoCountCertificates is count_certificates(pem_ptr, pem_len, out_ptr, out_cap) -> i32.
func cryptoCountCertificates(_ context.Context, m api.Module, s []uint64) {
	n, err := hostcrypto.CountCertificates(guestBytes(m, s[0], s[1]))
	if err != nil {
		s[0] = writeReason(m, s[2], s[3], err)
		return
	}
	s[0] = api.EncodeI32(int32(n))
}

// writeReason writes as much of err's message as fits in out (outCap bytes)
// and returns the failure result -1-n.
func writeReason(m api.Module, out, outCap uint64, err error) uint64 {
	reason := err.Error()
	n := min(len(reason), int(api.DecodeU32(outCap)))
	writeGuest(m, out, []byte(reason[:n]))
	return api.EncodeI32(-1 - int32(n))
}
