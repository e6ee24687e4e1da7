// Package auth checks callers' API keys. Keys are configured as SHA-256
// hashes only; a caller sends its key as "Authorization: Bearer <key>" or
// "x-api-key: <key>", and the key's hash is compared with every configured
// hash in constant time. The interceptor rejects a call with Unauthenticated
// before anything else runs; health checks are served without it.
package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strings"

	"connectrpc.com/connect"

	"github.com/connectorhost/connector-host/host/logging"
)

// HeaderAPIKey is the alternative to "Authorization: Bearer".
const HeaderAPIKey = "X-Api-Key"

// Errors a caller sees. They never contain the key sent.
var (
	ErrMissing = errors.New(`missing API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"`)
	ErrInvalid = errors.New("API key not recognised")
)

type key struct {
	name string
	hash [32]byte
}

// Authenticator holds the accepted keys' hashes. It is safe for concurrent use.
type Authenticator struct{ keys []key }

// New returns an Authenticator for hashes (SHA-256 of each key, by the key's name).
func New(hashes map[string][32]byte) *Authenticator {
	a := &Authenticator{}
	for name, h := range hashes {
		a.keys = append(a.keys, key{name: name, hash: h})
	}
	sort.Slice(a.keys, func(i, j int) bool { return a.keys[i].name < a.keys[j].name })
	return a
}

// Enabled reports whether any key is configured.
func (a *Authenticator) Enabled() bool { return a != nil && len(a.keys) > 0 }

// Authenticate returns the name of the key h carries.
func (a *Authenticator) Authenticate(h http.Header) (string, error) {
	presented := ""
	if v := h.Get("Authorization"); v != "" {
		scheme, token, ok := strings.Cut(v, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return "", ErrMissing
		}
		presented = strings.TrimSpace(token)
	} else {
		presented = strings.TrimSpace(h.Get(HeaderAPIKey))
	}
	if presented == "" {
		return "", ErrMissing
	}
	sum := sha256.Sum256([]byte(presented))
	// Compare with every key, without stopping at a match, so the time taken
	// says nothing about which key (or how much of one) matched.
	match := -1
	for i := range a.keys {
		if subtle.ConstantTimeCompare(sum[:], a.keys[i].hash[:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return "", ErrInvalid
	}
	return a.keys[match].name, nil
}

type callerKey struct{}

// Caller returns the name of the key that authenticated ctx's call, or "".
func Caller(ctx context.Context) string {
	name, _ := ctx.Value(callerKey{}).(string)
	return name
}

// Interceptor returns a Connect interceptor that rejects calls without a
// valid key with Unauthenticated, and puts the key's name in the context
// (and on the call's log lines, as "caller"). With no keys configured it
// lets every call through.
func (a *Authenticator) Interceptor() connect.Interceptor { return &interceptor{a: a} }

type interceptor struct{ a *Authenticator }

func (i *interceptor) check(ctx context.Context, h http.Header) (context.Context, error) {
	if !i.a.Enabled() {
		return ctx, nil
	}
	name, err := i.a.Authenticate(h)
	if err != nil {
		return ctx, connect.NewError(connect.CodeUnauthenticated, err)
	}
	ctx = context.WithValue(ctx, callerKey{}, name)
	return logging.With(ctx, slog.String("caller", name)), nil
}

func (i *interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		ctx, err := i.check(ctx, req.Header())
		if err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

func (i *interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, err := i.check(ctx, conn.RequestHeader())
		if err != nil {
			return err
		}
		return next(ctx, conn)
	}
}

// Hash returns the SHA-256 of key, as configured in api_keys.
func Hash(key string) [32]byte { return sha256.Sum256([]byte(key)) }
