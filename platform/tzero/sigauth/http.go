package sigauth

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// DefaultWindow is how far a request's X-Signature-Timestamp may be from the
// verifier's clock, either way.
const DefaultWindow = 60 * time.Second

// DefaultMaxBody caps the body a verifier reads into memory.
const DefaultMaxBody = 4 << 20

// ErrUnknownKey is what a Resolver returns for a public key it does not know.
var ErrUnknownKey = errors.New("unknown public key")

// Resolver maps a verified request's public key (canonical form, see
// FormatPublicKey) to the caller it belongs to. It returns ErrUnknownKey (or
// an error wrapping it) for a key that is not registered.
type Resolver func(ctx context.Context, publicKey string) (principal any, err error)

// Verifier checks the signature headers of inbound requests.
type Verifier struct {
	// Resolve names the caller of a public key; required.
	Resolve Resolver
	// Now is the verifier's clock (time.Now when nil).
	Now func() time.Time
	// Window is the accepted clock skew (DefaultWindow when zero).
	Window time.Duration
	// MaxBody caps the body read (DefaultMaxBody when zero).
	MaxBody int64
}

type principalKey struct{}

// Principal returns what the Resolver returned for the request's caller, or
// nil when ctx is not from a verified request.
func Principal(ctx context.Context) any { return ctx.Value(principalKey{}) }

// WithPrincipal returns ctx carrying p as the verified caller (for callers
// that authenticate by other means, and tests of handlers).
func WithPrincipal(ctx context.Context, p any) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// Middleware wraps next so that it only sees requests whose signature
// verifies, whose timestamp is within the window and whose key resolves; any
// other request is refused with a Connect "unauthenticated" error in the
// caller's protocol (Connect, gRPC, gRPC-Web or JSON).
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	ew := connect.NewErrorWriter()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := v.verify(r)
		if err != nil {
			_ = ew.Write(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

func (v *Verifier) verify(r *http.Request) (any, error) {
	unauth := func(format string, a ...any) error {
		return connect.NewError(connect.CodeUnauthenticated, fmt.Errorf(format, a...))
	}
	if r.Method != http.MethodPost {
		// Only a body is signed: a GET's query would be unauthenticated.
		return nil, unauth("only POST requests can be signed, got %s", r.Method)
	}
	sigHex, tsStr, keyHex := r.Header.Get(HeaderSignature), r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderPublicKey)
	switch {
	case sigHex == "":
		return nil, unauth("missing %s header", HeaderSignature)
	case tsStr == "":
		return nil, unauth("missing %s header", HeaderTimestamp)
	case keyHex == "":
		return nil, unauth("missing %s header", HeaderPublicKey)
	}
	ts, err := strconv.ParseUint(tsStr, 10, 64)
	if err != nil {
		return nil, unauth("%s: not a millisecond timestamp", HeaderTimestamp)
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	window := v.Window
	if window == 0 {
		window = DefaultWindow
	}
	skew := now().Sub(time.UnixMilli(int64(ts)))
	if ts > uint64(1<<62) || skew > window || skew < -window {
		return nil, unauth("%s: outside the accepted window of ±%s", HeaderTimestamp, window)
	}
	pub, err := ParsePublicKey(keyHex)
	if err != nil {
		return nil, unauth("%s: %v", HeaderPublicKey, err)
	}
	sig, err := decodeHex(sigHex)
	if err != nil || (len(sig) != 64 && len(sig) != 65) {
		return nil, unauth("%s: want hex of 64 or 65 bytes", HeaderSignature)
	}
	maxBody := v.MaxBody
	if maxBody == 0 {
		maxBody = DefaultMaxBody
	}
	var body []byte
	if r.Body != nil {
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return nil, connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("read body: %w", err))
		}
		if int64(len(body)) > maxBody {
			return nil, connect.NewError(connect.CodeResourceExhausted, fmt.Errorf("body larger than %d bytes", maxBody))
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if !Verify(pub, body, ts, sig) && !verifyUnframed(r, pub, body, ts, sig) {
		return nil, unauth("%s does not verify for this body, timestamp and public key", HeaderSignature)
	}
	p, err := v.Resolve(r.Context(), FormatPublicKey(pub))
	if errors.Is(err, ErrUnknownKey) {
		return nil, unauth("%s: %v", HeaderPublicKey, ErrUnknownKey)
	}
	if err != nil {
		return nil, connect.NewError(connect.CodeUnavailable, fmt.Errorf("resolve public key: %w", err))
	}
	return p, nil
}

// verifyUnframed accepts a gRPC request whose signer signed the message
// alone rather than the framed body (0x00 || uint32be(len) || message).
func verifyUnframed(r *http.Request, pub *secp256k1.PublicKey, body []byte, ts uint64, sig []byte) bool {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") || len(body) < 5 || body[0] != 0 {
		return false
	}
	n := binary.BigEndian.Uint32(body[1:5])
	if uint64(n) != uint64(len(body)-5) {
		return false
	}
	return Verify(pub, body[5:], ts, sig)
}

// Transport is an http.RoundTripper that signs every request it sends with
// Key: it reads the body, signs it with the current time and sets the three
// headers (0x-prefixed hex; the signature is r || s || v).
type Transport struct {
	// Key signs the requests; required.
	Key *secp256k1.PrivateKey
	// Base sends the signed request (http.DefaultTransport when nil).
	Base http.RoundTripper
	// Now is the signer's clock (time.Now when nil).
	Now func() time.Time
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("sigauth: read request body: %w", err)
		}
		body = b
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	ts := uint64(now().UnixMilli())
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = int64(len(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	out.Header.Set(HeaderSignature, "0x"+hex.EncodeToString(Sign(t.Key, body, ts)))
	out.Header.Set(HeaderTimestamp, strconv.FormatUint(ts, 10))
	out.Header.Set(HeaderPublicKey, FormatPublicKey(t.Key.PubKey()))
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(out)
}
