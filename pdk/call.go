package pdk

import (
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
	"github.com/connectorhost/connector-host/internal/weburl"
	"github.com/connectorhost/connector-host/pdk/idemkey"
	"github.com/valyala/fastjson"
)

// API is the connector-wide half of the declarative form: where a Call's
// request goes, how it is authenticated and encoded, and how the
// processor's answers are read. Declare it once per connector; every Call
// of the connector points at it.
//
//	var api = &pdk.API{
//		Auth:              pdk.Bearer("api_key"), // or pdk.Basic, or your own func
//		Headers:           [][2]string{{"Acme-Version", "2024-06-20"}},
//		IdempotencyHeader: "Idempotency-Key",
//		Encoding:          pdk.FormEncoded,
//		Amounts:           pdk.Amounts{LowerCurrency: true},
//	}
type API struct {
	// Auth adds the credential headers to a request (Request.SecretHeader),
	// or returns the error for a missing or malformed credential. Nil adds
	// none.
	Auth func(c *Context, r *Request) error
	// Headers are added to every request in this order (an API version).
	Headers [][2]string
	// IdempotencyHeader names the header a Call's Key is sent in.
	IdempotencyHeader string
	// MaxKeyLen bounds idempotency keys (see pdk/idemkey); 0 means 255.
	MaxKeyLen int
	// KeyScope, when set, names the account a Call's idempotency key must be
	// unique in when the processor keeps keys wider than the credentials'
	// account (Adyen: per company account, which holds several merchant
	// accounts): the key is "<op>:<scope>:<id>", so one merchant id used in
	// two such accounts never shares a key (and a stored answer).
	KeyScope func(*Context) string
	// Encoding is how a Call's Body is written: FormEncoded or JSONEncoded.
	Encoding Encoding
	// Amounts converts Money fields and answers to and from the
	// processor's units.
	Amounts Amounts
	// MaxAnswerBytes bounds the answers a Call parses; 0 means 1 MiB. A
	// parsed answer costs memory per value, and a guest has a few tens of
	// MiB, so a larger answer is an InvalidResponse error, not a trap.
	MaxAnswerBytes int
	// ErrorAnswer reads a non-2xx answer into a typed error carrying the
	// three-layer PaymentError. body is the answer's JSON object, or nil
	// when the body is not one (a proxy's page, an empty or cut body).
	// decline reports a payment decline: a Call with OnDecline answers it
	// as a response. Nil, or a nil e, means StatusError: a non-2xx answer
	// is never read as a success.
	ErrorAnswer func(res *Response, body *fastjson.Value) (e *Error, decline bool)
}

// Encoding is how a request body is written.
type Encoding int

const (
	// FormEncoded writes application/x-www-form-urlencoded with nested
	// bracket keys: "a.b" becomes a[b], "a[]" an array element.
	FormEncoded Encoding = iota
	// JSONEncoded writes one JSON object: "a.b" becomes {"a":{"b":...}},
	// "a[]" an array element.
	JSONEncoded
)

// Call is the declarative Handler of a mapping-only flow: method, path
// template, idempotency key and request field map on the way out; the
// answer's JSON read into the response (with status tables) on the way back.
// Calls are values that implement Handler; declare them once, at package
// level, and register them like any handler:
//
//	var refundGet = &pdk.Call[*v1.RefundServiceGetRequest, *v1.RefundServiceGetResponse]{
//		API:    api,
//		Method: "GET",
//		Path:   "/v1/refunds/{id}",
//		Params: pdk.Params[*v1.RefundServiceGetRequest]{
//			"id": {Field: "connector_refund_id", Get: (*v1.RefundServiceGetRequest).GetConnectorRefundId},
//		},
//		Answer: func(c *pdk.Context, req *v1.RefundServiceGetRequest, a *pdk.Answer) (*v1.RefundServiceGetResponse, error) {
//			return &v1.RefundServiceGetResponse{
//				ConnectorRefundId: a.Require("id"),
//				Status:            pdk.Status(a, "status", refundStatuses),
//				RefundAmount:      a.Money("amount", "currency"),
//			}, nil
//		},
//	}
//
//	pdk.Register(&pdk.Connector{Flows: []pdk.Flow{pdk.RefundGet(refundGet)}, ...})
//
// Type aliases keep the declarations short (type refundGetIn =
// v1.RefundServiceGetRequest). Build fills the path placeholders (each named param is required and
// path-escaped), adds the API's auth and headers, the idempotency key, the
// query and the body. Parse refuses a truncated, oversized, empty or
// non-object 2xx answer with InvalidResponse before Answer runs, turns a
// non-2xx answer into the API's typed error (or OnDecline's response), and
// returns the first problem Answer's reads met (Answer.Err) before any
// error Answer returned.
type Call[Req, Resp Message] struct {
	// API is the connector-wide part. Required.
	API *API
	// Method is the HTTP method; "" means GET. A GET, HEAD or DELETE carries
	// no body (unless Body or Fill writes one) and, without a Key, is marked
	// safe to retry (it only reads or is idempotent by definition).
	Method string
	// Path is the path template, with {name} placeholders filled from
	// Params: "/v1/refunds/{id}/cancel".
	Path string
	// Base returns the base URL Path is appended to, for a connector that
	// addresses several APIs (a disputes or payouts API beside payments);
	// its error (a malformed override, a missing credential) is Build's.
	// Nil means the call's c.BaseURL.
	Base func(c *Context) (string, error)
	// Check refuses a request the field maps cannot judge alone (fields
	// that must agree, one of two required) before anything is built.
	// Optional.
	Check func(c *Context, req Req) error
	// Params fill the Path placeholders.
	Params Params[Req]
	// Query fields are added to the URL as ?k=v&... (form-encoded).
	Query Fields[Req]
	// Key derives the idempotency key; its zero value sends none.
	Key Key[Req]
	// Body is the request field map, written with API.Encoding.
	Body Fields[Req]
	// Fill writes what the field map cannot express (computed or validated
	// fields) after Body. Optional.
	Fill func(c *Context, req Req, b *Body) error
	// NoContent accepts a 2xx answer without a body (204): Answer then runs
	// with a nil a.V. Otherwise an empty answer is an InvalidResponse.
	NoContent bool
	// IgnoreBody answers a 2xx by its status alone: the body, if any, is not
	// read (Answer runs with a nil a.V) unless it was truncated. For a DELETE
	// whose answer says nothing more (Adyen's stored payment method removal).
	IgnoreBody bool
	// Answer reads a 2xx answer into the response. Required unless Read is
	// set.
	Answer func(c *Context, req Req, a *Answer) (Resp, error)
	// Read is the short form of Answer for the common answer that needs
	// neither the context nor the request and has no error of its own (its
	// reads' problems are still returned): Read: readRefund. Used when Answer
	// is nil.
	Read func(a *Answer) Resp
	// OnError sees every non-2xx answer that OnDecline does not answer,
	// with the API's typed error e and the error answer a (a.V may be
	// nil), and returns the error Parse returns: e itself, another typed
	// error, or a *StepRequired (NeedStep) asking the host to run another
	// flow first and then this one again (an expired access token).
	// Optional; nil (the hook or its result) returns e.
	OnError func(c *Context, req Req, e *Error, a *Answer) error
	// OnDecline answers a decline (API.ErrorAnswer's decline) as a response
	// instead of the error: a payment method refused at capture is a
	// CAPTURE_FAILED response, not a failed call. a reads the error answer
	// (its JSON may be absent: a.V is nil). Optional.
	OnDecline func(c *Context, req Req, e *Error, a *Answer) (Resp, error)
}

// Params are a Call's path placeholders by name.
type Params[Req any] map[string]Param[Req]

// Param is a required value that fills a path placeholder: a request
// field (Get) or a credential (Credential, e.g. an account id).
type Param[Req any] struct {
	// Field names the request field as the caller writes it, for the
	// InvalidRequest error when it is empty.
	Field string
	// Get reads it from the request.
	Get func(Req) string
	// Credential names the credential that fills it instead; a missing one
	// is a MissingCredential error.
	Credential string
}

// Fields are a request field map, written in order.
type Fields[Req any] []Field[Req]

// Field is one entry of a request field map: Key gets Const, the
// credential named Credential, or the value of the one getter that is set. Empty strings and nil maps and amounts are
// omitted unless Required.
type Field[Req any] struct {
	// Key is the dotted body key ("payment_method.card.number"); a trailing
	// "[]" appends to an array ("expand[]").
	Key string
	// Const is a fixed value (when no getter is set).
	Const string
	// Credential names the credential whose value Key gets (a merchant
	// account every body names); a missing one is a MissingCredential
	// error. Use it for identifiers (an account), not for secrets: a body is
	// not a secret header.
	Credential string
	// Str, Int, Bool read a scalar.
	Str  func(Req) string
	Int  func(Req) int64
	Bool func(Req) bool
	// Money reads an amount, written in the processor's minor units (see
	// API.Amounts) at Key and its currency at CurrencyKey when that is set.
	Money       func(Req) *v1.Money
	CurrencyKey string
	// Map reads a string map, written under Key in sorted key order.
	Map func(Req) map[string]string
	// Name names the request field as the caller writes it, for errors
	// (required; the amount's problems).
	Name string
	// Required refuses an empty Str or a nil Money with InvalidRequest(Name).
	Required bool
	// Problem is that error's text when it should say more than "is
	// required" (how to get the value). Optional.
	Problem string
}

// Key derives a request's idempotency key from the merchant's id for the
// operation: "<Op>:<id>" (just the id when Op is empty), bounded by
// API.MaxKeyLen. The processor scopes keys per account, often across
// endpoints, so an operation prefix keeps one merchant id used for a
// payment and its refund from colliding.
type Key[Req any] struct {
	// Op prefixes the key ("refund").
	Op string
	// ID reads the merchant's id for the operation; Fallback, when set, is
	// used when ID is empty (a customer's own id, the object's id).
	ID, Fallback func(Req) string
	// Field, when set, makes the id required: none gives
	// InvalidRequest(Field, "is required: it is the idempotency key"). When
	// empty, a request without an id gets a key from the host's random bytes
	// for the call, so the host can still retry that request safely.
	Field string
	// Derive, when set, makes the key of a request without an id (ID and
	// Fallback nil or empty; Field is then not required) from the call and
	// the body as sent: "<op>:<id>" of what it returns (a digest of the body,
	// so the same request retried shares a key and another one does not; or
	// part of the host's random bytes). Adyen keys /payments/details and its
	// dispute calls without a merchant id so.
	Derive func(c *Context, req Req, body []byte) (op, id string)
	// scope is API.KeyScope's answer for the call being built.
	scope string
}

// scoped is id within the key's scope (API.KeyScope), if any.
func (k Key[Req]) scoped(id string) string {
	if k.scope == "" {
		return id
	}
	return k.scope + ":" + id
}

// set reports whether a key is configured.
func (k Key[Req]) set() bool { return k.ID != nil || k.Derive != nil }

// derive returns the key for req.
func (k Key[Req]) derive(c *Context, req Req, max int) (string, error) {
	var id string
	if k.ID != nil {
		id = k.ID(req)
	}
	if id == "" && k.Fallback != nil {
		id = k.Fallback(req)
	}
	switch {
	case id == "" && k.Derive != nil:
		return "", nil // from the body, once written
	case id == "" && k.Field != "":
		return "", InvalidRequest(k.Field, "is required: it is the idempotency key")
	case id == "":
		id = "rnd_" + hexstr.EncodeToString(c.Random())
	}
	id = k.scoped(id)
	if max <= 0 {
		max = 255
	}
	if k.Op == "" {
		if len(id) > max {
			return idemkey.Derive("id", id, max), nil
		}
		return id, nil
	}
	return idemkey.Derive(k.Op, id, max), nil
}

// Build builds the request (Handler).
func (h *Call[Req, Resp]) Build(c *Context, req Req) (*pluginv1.HttpRequest, error) {
	if h.API == nil || (h.Answer == nil && h.Read == nil) {
		return nil, Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "pdk.Call %s %s has no API, or neither Answer nor Read", h.Method, h.Path)
	}
	if h.Check != nil {
		if err := h.Check(c, req); err != nil {
			return nil, err
		}
	}
	path, err := h.fillPath(c, req)
	if err != nil {
		return nil, err
	}
	if len(h.Query) > 0 {
		q := &Body{}
		if err := h.Query.write(c, h.API, req, q); err != nil {
			return nil, err
		}
		if enc := q.encodeForm(); len(enc) > 0 {
			path += "?" + string(enc)
		}
	}
	method := h.Method
	if method == "" {
		method = "GET"
	}
	u := c.URL(path)
	if h.Base != nil {
		base, err := h.Base(c)
		if err != nil {
			return nil, err
		}
		u = strings.TrimRight(base, "/") + path
	}
	r, err := h.API.start(c, method, u)
	if err != nil {
		return nil, err
	}
	reads := method == "GET" || method == "HEAD" || method == "DELETE"
	var key string
	k := h.Key
	if h.API.KeyScope != nil {
		k.scope = h.API.KeyScope(c)
	}
	if k.set() {
		if key, err = k.derive(c, req, h.API.MaxKeyLen); err != nil {
			return nil, err
		}
	}
	b := &Body{}
	if err := h.Body.write(c, h.API, req, b); err != nil {
		return nil, err
	}
	if h.Fill != nil {
		if err := h.Fill(c, req, b); err != nil {
			return nil, err
		}
	}
	var ct string
	var body []byte
	if !reads || b.Len() > 0 {
		ct, body = b.Encode(h.API.Encoding)
	}
	if k.set() && key == "" {
		op, id := k.Derive(c, req, body)
		key = idemkey.Derive(op, k.scoped(id), h.API.maxKeyLen())
	}
	switch {
	case key != "":
		r.IdempotencyKey(h.API.IdempotencyHeader, key)
	case reads:
		r.Idempotent()
	}
	if ct == "" {
		return r.Build(), nil
	}
	return r.Body(ct, body).Build(), nil
}

// maxKeyLen is MaxKeyLen, 255 when unset.
func (api *API) maxKeyLen() int {
	if api.MaxKeyLen > 0 {
		return api.MaxKeyLen
	}
	return 255
}

// fillPath replaces each {name} of Path with its escaped param.
func (h *Call[Req, Resp]) fillPath(c *Context, req Req) (string, error) {
	var out strings.Builder
	rest := h.Path
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			out.WriteString(rest)
			return out.String(), nil
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return "", Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "path template %q has an unclosed {", h.Path)
		}
		name := rest[open+1 : open+end]
		p, ok := h.Params[name]
		var v string
		switch {
		case ok && p.Credential != "":
			var err error
			if v, err = c.Credential(p.Credential); err != nil {
				return "", err
			}
		case ok && p.Get != nil:
			if v = p.Get(req); strings.TrimSpace(v) == "" {
				return "", InvalidRequest(p.Field, "is required")
			}
		default:
			return "", Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "path template %q: no param %q", h.Path, name)
		}
		out.WriteString(rest[:open])
		out.WriteString(weburl.PathEscape(v))
		rest = rest[open+end+1:]
	}
}

// write writes the field map into b.
func (fs Fields[Req]) write(c *Context, api *API, req Req, b *Body) error {
	for i := range fs {
		f := &fs[i]
		switch {
		case f.Credential != "":
			v, err := c.Credential(f.Credential)
			if err != nil {
				return err
			}
			b.Set(f.Key, v)
		case f.Str != nil:
			v := f.Str(req)
			if v == "" && f.Required {
				return f.missing()
			}
			b.SetIf(f.Key, v)
		case f.Int != nil:
			b.SetInt(f.Key, f.Int(req))
		case f.Bool != nil:
			b.SetBool(f.Key, f.Bool(req))
		case f.Money != nil:
			m := f.Money(req)
			if m == nil && !f.Required {
				continue
			} else if m == nil {
				return f.missing()
			}
			n, cur, err := api.Amounts.To(m, f.Name)
			if err != nil {
				return err
			}
			b.SetInt(f.Key, n)
			if f.CurrencyKey != "" {
				b.Set(f.CurrencyKey, cur)
			}
		case f.Map != nil:
			b.SetMap(f.Key, f.Map(req))
		default:
			b.Set(f.Key, f.Const)
		}
	}
	return nil
}

// missing is the error for a Required field without a value.
func (f *Field[Req]) missing() error {
	if f.Problem != "" {
		return InvalidRequest(f.Name, f.Problem)
	}
	return InvalidRequest(f.Name, "is required")
}

// Parse reads the answer (Handler).
func (h *Call[Req, Resp]) Parse(c *Context, req Req, res *Response) (Resp, error) {
	var zero Resp
	if h.API == nil || (h.Answer == nil && h.Read == nil) {
		return zero, Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "pdk.Call %s %s has no API, or neither Answer nor Read", h.Method, h.Path)
	}
	if res.Status < 200 || res.Status > 299 {
		e, decline := h.API.errorAnswer(res)
		if decline && h.OnDecline != nil {
			return h.OnDecline(c, req, e, &Answer{V: errorBody(res, h.API.maxAnswer()), Res: res, api: h.API})
		}
		if h.OnError != nil {
			if err := h.OnError(c, req, e, &Answer{V: errorBody(res, h.API.maxAnswer()), Res: res, api: h.API}); err != nil {
				return zero, err
			}
		}
		return zero, e
	}
	a := &Answer{Res: res, api: h.API}
	if res.Truncated || !h.IgnoreBody && (!h.NoContent || len(trimSpace(res.Body)) > 0) {
		var err error
		if a, err = h.API.Read(res); err != nil {
			return zero, err
		}
	}
	var out Resp
	var err error
	if h.Answer != nil {
		out, err = h.Answer(c, req, a)
	} else {
		out = h.Read(a)
	}
	if rerr := a.Err(); rerr != nil {
		// An unreadable answer is the first problem: checks on what was
		// read from it (an amount's integrity) mean nothing.
		return zero, rerr
	}
	if err != nil {
		return zero, err
	}
	return out, nil
}

func (api *API) maxAnswer() int {
	if api.MaxAnswerBytes > 0 {
		return api.MaxAnswerBytes
	}
	return 1 << 20
}

// Read parses a 2xx answer, which must be one complete JSON object of at
// most MaxAnswerBytes, for reading with the Answer accessors. Connectors
// whose flows are not mapping-only use it in their own Parse. The answer's
// values (and byte slices taken from them) are valid until Parse returns:
// copy what must outlive the call (Answer's accessors return copies).
func (api *API) Read(res *Response) (*Answer, error) {
	v, err := readObject(res, api.maxAnswer())
	if err != nil {
		return nil, err
	}
	return &Answer{V: v, Res: res, api: api}, nil
}

// ReadError returns the typed error for a non-2xx answer and whether it is
// a decline (see API.ErrorAnswer).
func (api *API) ReadError(res *Response) (*Error, bool) { return api.errorAnswer(res) }

func (api *API) errorAnswer(res *Response) (*Error, bool) {
	body := errorBody(res, api.maxAnswer())
	if api.ErrorAnswer != nil {
		if e, decline := api.ErrorAnswer(res, body); e != nil {
			return e, decline
		}
	}
	return StatusError(res, ""), false
}

// errorBody is an error answer's JSON object, or nil when it has none.
func errorBody(res *Response, max int) *fastjson.Value {
	if res.Truncated || len(res.Body) > max {
		return nil
	}
	v, err := readObject(res, max)
	if err != nil {
		return nil
	}
	return v
}

// readObject parses res.Body, which must be one JSON object. fastjson
// bounds nesting (MaxDepth), so a hostile answer nested 100,000 deep is an
// error, not a stack overflow.
func readObject(res *Response, max int) (*fastjson.Value, error) {
	body := trimSpace(res.Body)
	switch {
	case res.Truncated:
		return nil, InvalidResponse("the answer (HTTP %d) was truncated", res.Status)
	case len(body) == 0:
		return nil, InvalidResponse("answered HTTP %d with an empty body", res.Status)
	case len(res.Body) > max:
		return nil, InvalidResponse("answered HTTP %d with %d bytes, more than the %d expected", res.Status, len(res.Body), max)
	case body[0] != '{':
		return nil, InvalidResponse("answered HTTP %d with a body that is not a JSON object (Content-Type %q)", res.Status, res.Header("Content-Type"))
	}
	v, err := res.parsers.parser().ParseBytes(body)
	if err != nil {
		return nil, InvalidResponse("answered HTTP %d with malformed JSON: %v", res.Status, err)
	}
	return v, nil
}

// StatusError is the default typed error for a non-2xx answer without a
// processor error to read: the kind and unified code of StatusKind, and a
// three-layer detail with the HTTP status and the request id from the
// requestIDHeader header (when named).
func StatusError(res *Response, requestIDHeader string) *Error {
	kind, code := StatusKind(res.Status)
	msg := "HTTP " + strconv.Itoa(res.Status)
	ce := &v1.ConnectorError{HttpStatus: int32(res.Status)}
	if requestIDHeader != "" {
		ce.RequestId = res.Header(requestIDHeader)
	}
	return &Error{Kind: kind, Message: msg, Detail: &v1.PaymentError{Code: code, Message: msg, Connector: ce}}
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}

// parserLoan lends JSON parsers from a pool for one call and takes them
// back when it ends: a parser reuses the values and buffers of its last
// parse, so reading an answer allocates little once the pool is warm (a
// new parser allocated every value of every answer: a tenth of a Stripe
// parse_response in WebAssembly). Each read in a call gets a parser of its
// own, so an answer stays valid while a second one is read.
type parserLoan struct {
	pool  *fastjson.ParserPool
	taken []*fastjson.Parser
}

// parser returns a parser for one answer body (a new one when l is nil).
func (l *parserLoan) parser() *fastjson.Parser {
	if l == nil {
		return &fastjson.Parser{}
	}
	p := l.pool.Get()
	l.taken = append(l.taken, p)
	return p
}

// end returns the call's parsers to the pool: call it only once nothing
// read from them is used (the call's output is encoded).
func (l *parserLoan) end() {
	for _, p := range l.taken {
		l.pool.Put(p)
	}
	l.taken = l.taken[:0]
}
