package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"connectrpc.com/connect"
)

// Malformed framing is the caller's fault. connect-go answers a truncated
// gRPC envelope or a compressed flag without compression with Internal, and
// a body that fails to read (a bad chunk size) with Unknown. strictBodies
// checks the framing as the body is read and answers InvalidArgument, the
// code connect-go gives a message that does not decode; a body that is not
// received in full within the read timeout gets DeadlineExceeded.

// strictBodies wraps every request body: gRPC and gRPC-Web envelopes are
// checked as they stream by, read errors become coded errors, and the body
// must arrive within timeout (0: no limit) of the request's headers.
func strictBodies(next http.Handler, timeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		b := &strictBody{body: r.Body, timeout: timeout}
		ct := r.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "application/grpc") {
			b.envelope = true
			enc := r.Header.Get("Grpc-Encoding")
			b.compressed = enc != "" && enc != "identity"
		}
		if timeout > 0 && !longLived(r.URL.Path) {
			b.rc = http.NewResponseController(w)
			if b.rc.SetReadDeadline(time.Now().Add(timeout)) != nil {
				b.rc = nil
			} else {
				defer b.clearDeadline()
			}
		}
		r.Body = b
		next.ServeHTTP(w, r)
	})
}

// longLived reports the streams whose request side may stay open as long as
// the caller likes (reflection's bidirectional stream, health Watch): no
// body read timeout for them.
func longLived(path string) bool {
	return strings.HasPrefix(path, "/grpc.reflection.") || path == "/grpc.health.v1.Health/Watch"
}

// strictBody is a request body that reports malformed framing as InvalidArgument.
type strictBody struct {
	body    io.ReadCloser
	timeout time.Duration
	rc      *http.ResponseController
	// envelope: the body is a sequence of gRPC messages, each a 5-byte
	// prefix (flags, big-endian length) and the message.
	envelope, compressed bool
	prefix               [5]byte
	prefixN              int
	remaining            uint32 // bytes of the current message still to come
	inMessage            bool
	done                 error // the error every later Read returns
}

func (b *strictBody) clearDeadline() {
	if b.rc != nil {
		_ = b.rc.SetReadDeadline(time.Time{})
		b.rc = nil
	}
}

func (b *strictBody) Read(p []byte) (int, error) {
	if b.done != nil {
		return 0, b.done
	}
	n, err := b.body.Read(p)
	if b.envelope {
		if ferr := b.scan(p[:n]); ferr != nil {
			b.done = ferr
			return 0, ferr
		}
	}
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, io.EOF):
		b.clearDeadline()
		if b.envelope && b.prefixN > 0 {
			err = invalidFraming("the body ends inside a gRPC message prefix (%d of 5 bytes)", b.prefixN)
		} else if b.envelope && b.inMessage {
			err = invalidFraming("a gRPC message prefix promises %d more bytes than the body holds", b.remaining)
		}
	default:
		var maxBytes *http.MaxBytesError
		var ce *connect.Error
		switch {
		case errors.As(err, &maxBytes), errors.As(err, &ce):
			// connect-go codes these itself (ResourceExhausted, ...).
		case errors.Is(err, os.ErrDeadlineExceeded):
			err = connect.NewError(connect.CodeDeadlineExceeded,
				fmt.Errorf("the request body was not received in full within %s", b.timeout))
		default:
			err = connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("malformed request body: %w", err))
		}
	}
	b.done = err
	return n, err
}

// scan follows the gRPC envelopes through the bytes just read.
func (b *strictBody) scan(p []byte) error {
	for len(p) > 0 {
		if b.inMessage {
			k := min(uint32(len(p)), b.remaining)
			b.remaining -= k
			p = p[k:]
			if b.remaining == 0 {
				b.inMessage = false
			}
			continue
		}
		k := copy(b.prefix[b.prefixN:], p)
		b.prefixN += k
		p = p[k:]
		if b.prefixN < 5 {
			continue
		}
		b.prefixN = 0
		switch flags := b.prefix[0]; {
		case flags&^1 != 0:
			return invalidFraming("gRPC message flags 0x%02x are not valid in a request (0 or 1)", flags)
		case flags == 1 && !b.compressed:
			return invalidFraming("the gRPC message is marked compressed but the request has no grpc-encoding header")
		}
		b.remaining = binary.BigEndian.Uint32(b.prefix[1:])
		b.inMessage = b.remaining > 0
	}
	return nil
}

func (b *strictBody) Close() error { return b.body.Close() }

func invalidFraming(format string, args ...any) error {
	return connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("malformed gRPC framing: "+format, args...))
}
