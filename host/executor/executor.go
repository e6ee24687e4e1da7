// Package executor runs a unified API call on a connector plugin: it picks
// the plugin, resolves credentials, asks the plugin to build the processor
// request, sends it through the egress client, asks the plugin to parse the
// answer, follows next steps (e.g. fetch an access token first), checks the
// answer's integrity against the request, and reports every failure with a
// message naming the connector: the sandbox's faults and the registry's and
// credentials' errors as those typed errors, the rest as an *Error of a Kind
// (with the PaymentError callers get as its detail, where there is one).
// host/server's one table gives each its Connect code: the executor names
// no codes and imports no Connect package.
package executor

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/manifest"
	"github.com/connectorhost/connector-host/host/registry"
)

// Sender sends a plugin-built request to the processor (egress.Client).
type Sender interface {
	Do(ctx context.Context, r egress.Request) (*pluginv1.HttpResponse, error)
}

// Plugin is one loaded version of a connector's plugin: its transforms, its
// manifest and the hash naming the version. A plugin in the WebAssembly
// sandbox is one; so is a PDK connector run natively (tests run connectors
// through this executor that way, see conformance).
type Plugin interface {
	abi.Transformer
	Manifest() *v1.Manifest
	SHA256() string
}

// Plugins hands out the serving version of a connector's plugin for one
// call; release ends the call's hold on it. Errors wrap registry.ErrNotFound
// (no such connector) or registry.ErrNotReady.
type Plugins interface {
	Acquire(ctx context.Context, connector string) (p Plugin, release func(), err error)
}

// RegistryPlugins serves the registry's loaded plugins as Plugins.
func RegistryPlugins(r *registry.Registry) Plugins { return registryPlugins{r} }

type registryPlugins struct{ r *registry.Registry }

func (rp registryPlugins) Acquire(ctx context.Context, name string) (Plugin, func(), error) {
	p, release, err := rp.r.Acquire(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	return p, release, nil
}

// Options configure an Executor.
type Options struct {
	// Plugins serves the plugins calls run on; when nil, Registry's.
	Plugins  Plugins
	Registry *registry.Registry
	Sender   Sender
	// BaseURLs are operator overrides by connector name (e.g. a mock processor).
	BaseURLs map[string]string
	// Config is operator configuration by connector name, passed to plugins.
	Config map[string]map[string]string
	// Accounts resolves x-connector-account names.
	Accounts credentials.Lookup
	// Now and Random default to the system clock and crypto/rand.
	Now    func() time.Time
	Random io.Reader
	Logger *slog.Logger
	// TracerProvider makes a span per Wasm transform (default: no tracing).
	TracerProvider trace.TracerProvider
	// DocumentTTL is how long documents fetched for webhook verification
	// (NeedDocuments, e.g. a signing certificate) are cached (default 1h).
	DocumentTTL time.Duration
}

// Executor runs calls. It is safe for concurrent use and keeps no state
// between calls: everything a multi-step flow needs travels in the request
// and response (ConnectorState). Its only memory is a bounded TTL cache of
// public documents fetched for webhook verification.
type Executor struct {
	opts   Options
	log    *slog.Logger
	tracer trace.Tracer
	// tenantKey keys the hash that names header credentials' breakers, so
	// the name reveals nothing about the credentials, even offline.
	tenantKey []byte
	// docs caches documents fetched for verify_webhook (NeedDocuments).
	docs *docCache
}

// New returns an Executor.
func New(opts Options) *Executor {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Random == nil {
		opts.Random = rand.Reader
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.TracerProvider == nil {
		opts.TracerProvider = noop.NewTracerProvider()
	}
	if opts.DocumentTTL <= 0 {
		opts.DocumentTTL = defaultDocumentTTL
	}
	if opts.Plugins == nil && opts.Registry != nil {
		opts.Plugins = RegistryPlugins(opts.Registry)
	}
	key := make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, key); err != nil {
		panic(fmt.Sprintf("executor: read random bytes: %v", err)) // crypto/rand never fails on supported platforms
	}
	return &Executor{
		opts: opts, log: opts.Logger, tenantKey: key, docs: newDocCache(opts.DocumentTTL, maxCachedDocuments),
		tracer: opts.TracerProvider.Tracer("github.com/connectorhost/connector-host/host/executor"),
	}
}

// tenant names the breaker of a call's credentials: the account's name, or a
// keyed hash of header credentials (never the credentials themselves).
func (x *Executor) tenant(creds *credentials.Resolved) string {
	if creds.Account != "" {
		return "account:" + creds.Account
	}
	keys := make([]string, 0, len(creds.Fields))
	for k := range creds.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	mac := hmac.New(sha256.New, x.tenantKey)
	for _, k := range keys {
		mac.Write([]byte(k))
		mac.Write([]byte{0})
		mac.Write([]byte(creds.Fields[k]))
		mac.Write([]byte{0})
	}
	return "credentials:" + hex.EncodeToString(mac.Sum(nil))[:16]
}

// clientCert returns the client certificate the credentials carry, if any.
func clientCert(creds *credentials.Resolved) *egress.ClientCert {
	cert, key := creds.Fields[credentials.FieldTLSClientCert], creds.Fields[credentials.FieldTLSClientKey]
	if cert == "" && key == "" {
		return nil
	}
	return &egress.ClientCert{CertPEM: []byte(cert), KeyPEM: []byte(key)}
}

// traced runs a Wasm transform in a span.
func (s *session) traced(ctx context.Context, export string, info string, fn func(context.Context) error) error {
	ctx, span := s.x.tracer.Start(ctx, "wasm "+export, trace.WithAttributes(
		attribute.String("plugin", s.call.Connector), attribute.String("export", export),
		attribute.String("flow", info), attribute.String("plugin.sha256", s.plugin.SHA256())))
	defer span.End()
	err := fn(ctx)
	if err != nil {
		span.SetStatus(codes.Error, "transform failed")
	}
	return err
}

// Call identifies who calls which connector.
type Call struct {
	Connector string
	Source    credentials.Source
	RequestID string
}

// session is one call's context: the plugin version, credentials, base URL
// and the connector state accumulated across steps.
type session struct {
	x       *Executor
	call    Call
	plugin  Plugin
	m       *v1.Manifest
	creds   *credentials.Resolved
	baseURL string
	state   *v1.ConnectorState
	cc      *pluginv1.CallContext
	secrets []string
	tenant  string
	cert    *egress.ClientCert
	// steps counts the top-level flows run (more than one in a composite call).
	steps int
	// reached is true once a request of this session may have reached the
	// processor (it was answered, or failed after a connection was made):
	// from then on no error of the session is not_sent.
	reached bool
}

// reseed gives the session's call context fresh random bytes.
func (s *session) reseed() error {
	random := make([]byte, abi.DefaultRandomBytes)
	if _, err := io.ReadFull(s.x.opts.Random, random); err != nil {
		return newError(KindInternal, fmt.Errorf("read random bytes: %w", err))
	}
	cc := s.cc.CloneVT()
	cc.Random = random
	s.cc = cc
	return nil
}

// open acquires the connector's plugin and resolves credentials.
func (x *Executor) open(ctx context.Context, call Call, webhookOnly bool) (*session, func(), error) {
	if call.Connector == "" {
		return nil, nil, newError(KindInvalidRequest, fmt.Errorf("the %s header is required: name the connector (e.g. stripe, adyen)", credentials.HeaderConnector))
	}
	if x.opts.Plugins == nil {
		return nil, nil, newError(KindUnavailable, errors.New("no plugins are configured on this host"))
	}
	p, release, err := x.opts.Plugins.Acquire(ctx, call.Connector)
	switch {
	case errors.Is(err, registry.ErrNotFound):
		return nil, nil, fmt.Errorf("%w (ConnectorService.ListConnectors lists those that are)", err)
	case err != nil:
		return nil, nil, err // registry.ErrNotReady: host/server gives the code
	}
	m := p.Manifest()
	src := call.Source
	src.WebhookOnly = webhookOnly
	creds, err := credentials.Resolve(call.Connector, src, m, x.opts.Accounts)
	if err != nil {
		release()
		return nil, nil, err
	}
	base, err := x.baseURL(call.Connector, m, creds)
	if err != nil {
		release()
		return nil, nil, err
	}
	random := make([]byte, abi.DefaultRandomBytes)
	if _, err := io.ReadFull(x.opts.Random, random); err != nil {
		release()
		return nil, nil, newError(KindInternal, fmt.Errorf("read random bytes: %w", err))
	}
	s := &session{
		x: x, call: call, plugin: p, m: m, creds: creds, baseURL: base,
		state:   &v1.ConnectorState{},
		secrets: credentials.Secrets(creds.Fields, m),
		tenant:  x.tenant(creds), cert: clientCert(creds),
		cc: &pluginv1.CallContext{
			Credentials: creds.Fields, Config: x.opts.Config[call.Connector], BaseUrl: base,
			Environment: creds.Environment, NowUnixMs: x.opts.Now().UnixMilli(), Random: random, RequestId: call.RequestID,
		},
	}
	return s, release, nil
}

// baseURL is the operator override, else the manifest's URL for the environment.
func (x *Executor) baseURL(name string, m *v1.Manifest, creds *credentials.Resolved) (string, error) {
	if u := x.opts.BaseURLs[name]; u != "" {
		return u, nil
	}
	if creds.Environment == pluginv1.Environment_ENVIRONMENT_LIVE {
		if m.GetLiveBaseUrl() == "" {
			return "", newError(KindFailedPrecondition, fmt.Errorf("connector %q declares no live environment", name))
		}
		u, err := manifest.FillPlaceholders(m.GetLiveBaseUrl(), creds.Fields)
		if err != nil {
			return "", newError(KindInvalidRequest, fmt.Errorf("connector %q live URL: %w", name, err))
		}
		return u, nil
	}
	return m.GetSandboxBaseUrl(), nil
}

// Run executes flow with req on call's connector and returns the flow's
// unified response message. It is the one entry point for a single flow:
// the connector state the request carries (its state field) seeds the call,
// and everything the call learned (access tokens, customers, the plugin's
// own values) comes back in the response's state field.
func (x *Executor) Run(ctx context.Context, call Call, flow v1.Flow, req abi.Message) (abi.Message, error) {
	start := time.Now()
	info, err := abi.Lookup(flow)
	if err != nil {
		return nil, newError(KindInternal, err)
	}
	s, release, err := x.open(ctx, call, false)
	if err != nil {
		return nil, markNotSent(err)
	}
	defer release()
	resp, err := s.exec(ctx, info, req)
	x.logCall(ctx, call, info.Name(), start, err)
	if err != nil {
		return nil, s.redact(err)
	}
	return resp, nil
}

// logCall logs the outcome of a call at debug level.
func (x *Executor) logCall(ctx context.Context, call Call, name string, start time.Time, err error) {
	x.log.LogAttrs(ctx, slog.LevelDebug, "flow",
		slog.String("request_id", call.RequestID), slog.String("connector", call.Connector),
		slog.String("flow", name), slog.Duration("duration", time.Since(start)),
		slog.String("kind", kindOf(err)))
}

// exec runs one top-level flow of the session: it seeds the session's state
// with the request's, runs the flow with fresh random bytes, refuses a
// response carrying a secret, and keeps what the response teaches (state,
// token, customer) for the session's next flow. Errors are not yet redacted.
func (s *session) exec(ctx context.Context, info abi.FlowInfo, req abi.Message) (abi.Message, error) {
	s.secrets = append(s.secrets, cardSecrets(req)...)
	if st := stateOf(req); st != nil {
		mergeState(s.state, st)
	}
	if s.steps > 0 {
		// A later flow of a composite call gets its own random bytes (the
		// clock stays the session's).
		if err := s.reseed(); err != nil {
			return nil, err
		}
	}
	s.steps++
	resp, err := s.run(ctx, info, req, 0)
	if err == nil {
		err = s.checkNoSecrets(resp)
	}
	if err != nil {
		return nil, err
	}
	absorbState(s.state, resp)
	return resp, nil
}

// unsupported explains a flow the connector does not declare.
func unsupported(connector string, info abi.FlowInfo, m *v1.Manifest) error {
	msg := fmt.Sprintf("connector %q does not support %s", connector, info.Name())
	if info.Flow == v1.Flow_FLOW_GET && m.GetWebhooks().GetSupported() {
		msg += "; it reports payment status through webhooks (EventService.HandleEvent)"
	}
	return newError(KindUnsupported, errors.New(msg))
}

// run executes one flow, following next steps, and returns its response.
// An error before any request of the session may have reached the processor
// is marked not sent (PaymentError.not_sent).
func (s *session) run(ctx context.Context, info abi.FlowInfo, req abi.Message, depth int) (abi.Message, error) {
	resp, err := s.runFlow(ctx, info, req, depth)
	switch {
	case err == nil:
		return resp, nil
	case s.reached:
		// An egress failure that sent nothing (connection refused) after
		// an earlier request of the session reached the processor.
		return nil, clearNotSent(err)
	default:
		return nil, markNotSent(err)
	}
}

// runFlow is run without the not_sent marking.
func (s *session) runFlow(ctx context.Context, info abi.FlowInfo, req abi.Message, depth int) (abi.Message, error) {
	if !manifest.Supports(s.m, info.Flow) {
		return nil, unsupported(s.call.Connector, info, s.m)
	}
	if depth > abi.MaxNextSteps {
		return nil, newError(KindInternal, fmt.Errorf("connector %q asked for more than %d nested steps", s.call.Connector, abi.MaxNextSteps))
	}
	reqBytes, err := req.MarshalVT()
	if err != nil {
		return nil, newError(KindInternal, fmt.Errorf("encode request: %w", err))
	}
	for attempt := 0; attempt <= abi.MaxNextSteps; attempt++ {
		var bo *pluginv1.BuildRequestOutput
		err := s.traced(ctx, abi.ExportBuildRequest, info.Name(), func(ctx context.Context) (err error) {
			bo, err = s.plugin.BuildRequest(ctx, &pluginv1.BuildRequestInput{Flow: info.Flow, Request: reqBytes, Context: s.cc, State: s.state})
			return err
		})
		if err != nil {
			return nil, err
		}
		var hr *pluginv1.HttpRequest
		switch r := bo.GetResult().(type) {
		case *pluginv1.BuildRequestOutput_Error:
			return nil, pluginError(s.call.Connector, r.Error)
		case *pluginv1.BuildRequestOutput_NextStep:
			if err := s.step(ctx, r.NextStep, depth); err != nil {
				return nil, err
			}
			continue
		case *pluginv1.BuildRequestOutput_HttpRequest:
			hr = r.HttpRequest
		default:
			return nil, newError(KindInternal, fmt.Errorf("connector %q: build_request returned nothing", s.call.Connector))
		}
		hres, err := s.x.opts.Sender.Do(ctx, egress.Request{
			Connector: s.call.Connector, HTTP: hr, AllowedHosts: s.m.GetEgressHosts(), BaseURL: s.x.opts.BaseURLs[s.call.Connector],
			Tenant: s.tenant, ClientCert: s.cert,
		})
		if err != nil {
			xe := egressError(err, info)
			var ee *egress.Error
			if !errors.As(err, &ee) || !ee.NotSent() {
				s.reached = true
			}
			return nil, xe
		}
		s.reached = true
		var po *pluginv1.ParseResponseOutput
		err = s.traced(ctx, abi.ExportParseResponse, info.Name(), func(ctx context.Context) (err error) {
			po, err = s.plugin.ParseResponse(ctx, &pluginv1.ParseResponseInput{
				Flow: info.Flow, Request: reqBytes, Context: s.cc, State: s.state,
				HttpRequest: withoutSecretHeaders(hr), HttpResponse: hres,
			})
			return err
		})
		if err != nil {
			return nil, err
		}
		switch r := po.GetResult().(type) {
		case *pluginv1.ParseResponseOutput_Error:
			return nil, pluginError(s.call.Connector, r.Error)
		case *pluginv1.ParseResponseOutput_NextStep:
			if err := s.step(ctx, r.NextStep, depth); err != nil {
				return nil, err
			}
			continue
		case *pluginv1.ParseResponseOutput_Response:
			resp := info.NewResponse()
			if err := resp.UnmarshalVT(r.Response); err != nil {
				return nil, newError(KindInternal, fmt.Errorf("connector %q returned an invalid %s response: %w", s.call.Connector, info.Name(), err))
			}
			if err := checkIntegrity(info.Flow, req, resp); err != nil {
				return nil, integrityError(s.call.Connector, info, err)
			}
			finishResponse(req, resp, s.state, hres.GetStatus())
			return resp, nil
		default:
			return nil, newError(KindInternal, fmt.Errorf("connector %q: parse_response returned nothing", s.call.Connector))
		}
	}
	return nil, newError(KindInternal, fmt.Errorf("connector %q kept asking for next steps in %s", s.call.Connector, info.Name()))
}

// step runs a next step the plugin asked for and merges its state.
func (s *session) step(ctx context.Context, ns *pluginv1.NextStep, depth int) error {
	info, err := abi.Lookup(ns.GetFlow())
	if err != nil {
		return newError(KindInternal, fmt.Errorf("connector %q asked for an unknown step: %w", s.call.Connector, err))
	}
	sub := info.NewRequest()
	if err := sub.UnmarshalVT(ns.GetRequest()); err != nil {
		return newError(KindInternal, fmt.Errorf("connector %q sent an invalid %s step request: %w", s.call.Connector, info.Name(), err))
	}
	resp, err := s.run(ctx, info, sub, depth+1)
	if err != nil {
		return err
	}
	absorbState(s.state, resp)
	return nil
}
