package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"connectrpc.com/connect"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/executor"
	"github.com/connectorhost/connector-host/host/server"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// RunCall runs one flow invocation c through the host's production executor
// on plugin p (manifest m) with c's canned processor answer: credentials are resolved
// and checked against the manifest, c.State seeds the call as a caller's
// state would, parse sees the built request with its secret headers
// stripped, and the answer passes the integrity check and the secret scan
// and gets the ids and HTTP status the host fills. The call stops where the
// plugin asks for a next step (Result.NextStep); Result.Err is the error
// the host's caller would get. Result.BuildError is the plugin's build
// error or, when the host refused the call before the plugin built
// anything, that refusal (see hostRefusal).
func RunCall(ctx context.Context, p abi.Transformer, m *v1.Manifest, c pdktest.Call) (*pdktest.Result, error) {
	info, err := abi.Lookup(c.Flow)
	if err != nil {
		return nil, err
	}
	if c.Request == nil {
		c.Request = info.NewRequest()
	}
	sp := &spy{t: p, m: m, stopAtNextStep: true}
	status := c.Status
	if status == 0 {
		status = 200
	}
	names := make(map[string]string, len(c.Headers))
	for k, v := range c.Headers {
		names[k] = v
	}
	proc := &cannedProcessor{answer: &pluginv1.HttpResponse{Status: int32(status), Headers: headerList(names), Body: c.Body, Truncated: c.Truncated}}
	x, call, err := callExecutor(m, sp, proc, c.Context())
	if err != nil {
		return nil, err
	}
	resp, runErr := x.Run(ctx, call, c.Flow, withState(c.Request, c.State))
	runErr = server.ConnectError(runErr)
	res := &pdktest.Result{Err: runErr}
	if runErr == nil {
		res.Response = resp
	}
	if len(proc.sent) > 0 {
		res.HTTP = proc.sent[0]
	}
	for _, b := range sp.builds {
		if e := b.GetError(); e != nil {
			res.BuildError = e
		}
	}
	if len(sp.builds) == 0 && runErr != nil {
		res.BuildError = hostRefusal(runErr)
	}
	for _, o := range sp.parses {
		if e := o.GetError(); e != nil {
			res.ParseError = e
		}
	}
	res.NextStep = sp.nextStep
	return res, nil
}

// hostRefusal is the error of a call the host refused before the plugin
// built anything (e.g. a credential the manifest requires is missing), as
// the plugin error a caller could not tell it from: the first kind the host
// answers with the same Connect code.
func hostRefusal(err error) *pluginv1.PluginError {
	code := connect.CodeOf(err)
	for k := pluginv1.ErrorKind(1); pluginv1.ErrorKind_name[int32(k)] != ""; k++ {
		if executor.KindCode(k) == code {
			return &pluginv1.PluginError{Kind: k, Message: "refused by the host: " + err.Error()}
		}
	}
	return &pluginv1.PluginError{Kind: pluginv1.ErrorKind_ERROR_KIND_INTERNAL, Message: "refused by the host: " + err.Error()}
}

// callExecutor returns an executor serving plugin sp with the settings of
// cc (credentials, config, base URL, clock, random bytes, request id), and
// the call naming the plugin.
func callExecutor(m *v1.Manifest, sp *spy, proc executor.Sender, cc *pluginv1.CallContext) (*executor.Executor, executor.Call, error) {
	name := m.GetName()
	creds := cc.GetCredentials()
	if creds == nil {
		creds = map[string]string{} // "null" is not a credentials header
	}
	auth, err := json.Marshal(creds)
	if err != nil {
		return nil, executor.Call{}, fmt.Errorf("encode credentials: %w", err)
	}
	bases := map[string]string{}
	if cc.GetBaseUrl() != "" {
		bases[name] = cc.GetBaseUrl()
	}
	env := "sandbox"
	if cc.GetEnvironment() == pluginv1.Environment_ENVIRONMENT_LIVE {
		env = "live"
	}
	now := time.UnixMilli(cc.GetNowUnixMs())
	random := cc.GetRandom()
	if len(random) == 0 {
		random = make([]byte, abi.DefaultRandomBytes)
	}
	x := executor.New(executor.Options{
		Plugins: sp, Sender: proc, BaseURLs: bases, Config: map[string]map[string]string{name: cc.GetConfig()},
		Now: func() time.Time { return now }, Random: repeating(random),
	})
	return x, executor.Call{Connector: name, Source: credentials.Source{AuthJSON: string(auth), Environment: env}, RequestID: cc.GetRequestId()}, nil
}

// Exchange is one HTTP round trip ExecuteHTTP made.
type Exchange struct {
	Request *pluginv1.HttpRequest
	Status  int
	Body    []byte
}

// Execution is the outcome of ExecuteHTTP: the final response, or the typed
// error the plugin returned and the error the host's caller would get, and
// every exchange made.
type Execution struct {
	Response  abi.Message
	Error     *pluginv1.PluginError
	Err       error
	Exchanges []Exchange
}

// ExecuteHTTP runs flow end to end through the host's production executor
// against a real HTTP server (a mock processor such as stripe-mock),
// following next steps. cc gives the credentials, config, base URL (the
// server's), clock and random bytes. client sends the requests; the host's
// egress limits and retries are not applied.
func ExecuteHTTP(ctx context.Context, p abi.Transformer, m *v1.Manifest, client *http.Client, flow v1.Flow, req abi.Message, cc *pluginv1.CallContext) (*Execution, error) {
	sp := &spy{t: p, m: m}
	proc := &httpProcessor{client: client}
	x, call, err := callExecutor(m, sp, proc, cc)
	if err != nil {
		return nil, err
	}
	resp, runErr := x.Run(ctx, call, flow, req)
	runErr = server.ConnectError(runErr)
	ex := &Execution{Err: runErr, Exchanges: proc.exchanges}
	if runErr == nil {
		ex.Response = resp
	}
	for _, o := range sp.parses {
		if e := o.GetError(); e != nil {
			ex.Error = e
		}
	}
	for _, b := range sp.builds {
		if e := b.GetError(); e != nil {
			ex.Error = e
		}
	}
	return ex, nil
}

// httpProcessor sends the executor's requests with a real HTTP client.
type httpProcessor struct {
	client *http.Client

	mu        sync.Mutex
	exchanges []Exchange
}

func (h *httpProcessor) Do(ctx context.Context, r egress.Request) (*pluginv1.HttpResponse, error) {
	hr := r.HTTP
	req, err := http.NewRequestWithContext(ctx, hr.GetMethod(), hr.GetUrl(), bytes.NewReader(hr.GetBody()))
	if err != nil {
		return nil, &egress.Error{Kind: egress.KindBlocked, Msg: fmt.Sprintf("the plugin built an invalid request: %v", err)}
	}
	for _, h := range hr.GetHeaders() {
		req.Header.Add(h.GetName(), h.GetValue())
	}
	res, err := h.client.Do(req)
	if err != nil {
		return nil, &egress.Error{Kind: egress.KindConnect, Msg: err.Error()}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, &egress.Error{Kind: egress.KindConnect, Msg: err.Error()}
	}
	var headers []*v1.HttpHeader
	for k, vs := range res.Header {
		for _, v := range vs {
			headers = append(headers, &v1.HttpHeader{Name: k, Value: v})
		}
	}
	h.mu.Lock()
	h.exchanges = append(h.exchanges, Exchange{Request: hr, Status: res.StatusCode, Body: body})
	h.mu.Unlock()
	return &pluginv1.HttpResponse{Status: int32(res.StatusCode), Headers: headers, Body: body}, nil
}
