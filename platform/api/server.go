// Package api serves the platform's REST API under /v1/payments: API keys
// with scopes and tenants, one error shape, Idempotency-Key on every
// mutating endpoint, cursor pagination, ETag/If-Match on intents, and the
// OpenAPI document at /v1/payments/openapi.json.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/time/rate"

	"github.com/connectorhost/connector-host/platform/payments"
	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/store"
	"github.com/connectorhost/connector-host/platform/webhooks"
)

// Base is the API's path prefix.
const Base = "/v1/payments"

// HealthCheck is one component /health reports.
type HealthCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// Options build the API.
type Options struct {
	DB       *store.DB
	Service  *payments.Service
	Webhooks *webhooks.Store
	// OnEvent wakes the webhook dispatcher after events were queued.
	OnEvent func()
	Health  []HealthCheck
	Logger  *slog.Logger
	// RateLimit is each API key's sustained requests per second (0: no
	// limit), with bursts up to RateBurst; beyond it the answer is 429.
	RateLimit float64
	RateBurst int
}

// Server is the REST API.
type Server struct {
	opts Options
	mux  *http.ServeMux
	log  *slog.Logger

	mu       sync.Mutex
	limiters map[string]*rate.Limiter // by API key id
}

// New builds the API's handler.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.OnEvent == nil {
		opts.OnEvent = func() {}
	}
	if opts.RateBurst <= 0 {
		opts.RateBurst = max(1, int(opts.RateLimit))
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), log: opts.Logger, limiters: map[string]*rate.Limiter{}}
	s.routes()
	return s
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// handlerFunc answers a request for an authenticated caller.
type handlerFunc func(r *http.Request, p *principal, body []byte) (int, any, error)

// route registers an authenticated endpoint needing scope.
func (s *Server) route(pattern, scope string, fn handlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.mux.HandleFunc(method+" "+Base+path, func(w http.ResponseWriter, r *http.Request) {
		p, err := authenticate(r.Context(), s.opts.DB, r.Header.Get("Authorization"))
		if err != nil {
			writeError(w, s.log, r, err)
			return
		}
		if t := r.Header.Get("X-Tenant-ID"); t != "" && t != p.tenant {
			writeError(w, s.log, r, &perr.Error{Kind: perr.Forbidden, Code: "tenant_mismatch", Param: "X-Tenant-ID", Message: "X-Tenant-ID does not match the API key's tenant"})
			return
		}
		if !s.allow(p.keyID) {
			w.Header().Set("Retry-After", "1")
			writeError(w, s.log, r, &perr.Error{Kind: perr.RateLimited, Code: "rate_limited", Message: "too many requests for this API key; retry after a second"})
			return
		}
		if !p.allows(scope) {
			writeError(w, s.log, r, &perr.Error{Kind: perr.Forbidden, Code: "scope_missing", Message: "this API key lacks the " + scope + " scope"})
			return
		}
		body, err := readBody(r)
		if err != nil {
			writeError(w, s.log, r, err)
			return
		}
		run := func(w http.ResponseWriter) {
			status, out, err := fn(r, p, body)
			if err != nil {
				writeError(w, s.log, r, err)
				return
			}
			if in, ok := out.(*payments.Intent); ok {
				w.Header().Set("ETag", etag(in.Version))
			}
			if status == http.StatusNoContent {
				w.WriteHeader(status)
				return
			}
			writeJSON(w, status, out)
		}
		if r.Method == http.MethodGet {
			run(w)
			return
		}
		if err := idempotent(r.Context(), s.opts.DB, p.tenant, w, r, body, run); err != nil {
			writeError(w, s.log, r, err)
		}
	})
}

// allow takes one request from key's token bucket.
func (s *Server) allow(key string) bool {
	if s.opts.RateLimit <= 0 {
		return true
	}
	s.mu.Lock()
	l := s.limiters[key]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(s.opts.RateLimit), s.opts.RateBurst)
		s.limiters[key] = l
	}
	s.mu.Unlock()
	return l.Allow()
}

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ifMatch reads If-Match as a version; 0 when absent.
func ifMatch(r *http.Request) (int64, error) {
	h := r.Header.Get("If-Match")
	if h == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
	if err != nil || v <= 0 {
		return 0, &perr.Error{Kind: perr.PreconditionFailed, Code: "version_mismatch", Param: "If-Match", Message: "If-Match must be an ETag this API returned"}
	}
	return v, nil
}

func (s *Server) routes() {
	svc := s.opts.Service
	s.mux.HandleFunc("GET "+Base+"/health", s.health)
	s.mux.HandleFunc("GET "+Base+"/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(OpenAPI)
	})
	s.mux.HandleFunc("POST "+Base+"/webhook/gateway/{connector_id}", func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(r)
		if err != nil {
			writeError(w, s.log, r, err)
			return
		}
		res, err := svc.HandleInbound(r.Context(), r.PathValue("connector_id"), r, body)
		if err != nil {
			writeError(w, s.log, r, err)
			return
		}
		// What was done travels in headers, so the body can be the
		// acknowledgement the processor expects.
		w.Header().Set("Payments-Webhook-Received", strconv.Itoa(res.Received))
		w.Header().Set("Payments-Webhook-Duplicates", strconv.Itoa(res.Duplicates))
		w.Header().Set("Payments-Webhook-Applied", strings.Join(res.Applied, ","))
		if ack := res.Ack; ack != nil && ack.GetStatus() >= 200 && ack.GetStatus() < 300 {
			for _, h := range ack.GetHeaders() {
				w.Header().Set(h.GetName(), h.GetValue())
			}
			w.WriteHeader(int(ack.GetStatus()))
			_, _ = w.Write(ack.GetBody())
			return
		}
		writeJSON(w, http.StatusOK, res)
	})
	s.mux.HandleFunc(Base+"/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, s.log, r, perr.NotFoundf("", "no endpoint %s %s", r.Method, r.URL.Path))
	})

	// Keys.
	s.route("GET /keys", "keys:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*Key, error) { return listKeys(r.Context(), s.opts.DB, p.tenant, c, n) }, func(k *Key) string { return k.ID })
	})
	s.route("POST /keys", "keys:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in struct {
			Name   string   `json:"name"`
			Scopes []string `json:"scopes"`
		}
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		for i, sc := range in.Scopes {
			// A key can grant only what it has.
			if !p.allows(sc) || (sc == "*" && !p.allows("*")) {
				return 0, nil, &perr.Error{Kind: perr.Forbidden, Code: "scope_not_grantable", Param: fmt.Sprintf("scopes[%d]", i), Message: "this API key cannot grant " + sc + ": it does not hold it"}
			}
		}
		k, err := CreateKey(r.Context(), s.opts.DB, p.tenant, in.Name, in.Scopes)
		return http.StatusCreated, k, err
	})
	s.route("DELETE /keys/{id}", "keys:write", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return deleted(r.PathValue("id"), "api_key", revokeKey(r.Context(), s.opts.DB, p.tenant, r.PathValue("id")))
	})

	// Connectors and routing.
	s.route("GET /connectors", "connectors:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*payments.Connector, error) {
			return svc.ListConnectors(r.Context(), p.tenant, c, n)
		},
			func(c *payments.Connector) string { return c.ID })
	})
	s.route("POST /connectors", "connectors:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.ConnectorInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		c, err := svc.CreateConnector(r.Context(), p.tenant, in)
		return http.StatusCreated, c, err
	})
	s.route("GET /connectors/{id}", "connectors:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		c, err := svc.GetConnector(r.Context(), p.tenant, r.PathValue("id"))
		return http.StatusOK, c, err
	})
	s.route("PATCH /connectors/{id}", "connectors:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.ConnectorInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		v, err := ifMatch(r)
		if err != nil {
			return 0, nil, err
		}
		c, err := svc.PatchConnector(r.Context(), p.tenant, r.PathValue("id"), in, v)
		return http.StatusOK, c, err
	})
	s.route("DELETE /connectors/{id}", "connectors:write", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return deleted(r.PathValue("id"), "connector", svc.DeleteConnector(r.Context(), p.tenant, r.PathValue("id")))
	})
	s.route("POST /connectors/{id}/test", "connectors:write", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		res, err := svc.TestConnector(r.Context(), p.tenant, r.PathValue("id"))
		return http.StatusOK, res, err
	})
	s.route("GET /routing-rules", "routing:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*payments.Rule, error) { return svc.ListRules(r.Context(), p.tenant, c, n) }, func(x *payments.Rule) string { return x.ID })
	})
	s.route("POST /routing-rules", "routing:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.RuleInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.CreateRule(r.Context(), p.tenant, in)
		return http.StatusCreated, x, err
	})
	s.route("PATCH /routing-rules/{id}", "routing:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.RuleInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.PatchRule(r.Context(), p.tenant, r.PathValue("id"), in)
		return http.StatusOK, x, err
	})
	s.route("DELETE /routing-rules/{id}", "routing:write", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return deleted(r.PathValue("id"), "routing_rule", svc.DeleteRule(r.Context(), p.tenant, r.PathValue("id")))
	})

	// Payment methods.
	createMethod := func(forceToken bool) handlerFunc {
		return func(r *http.Request, p *principal, body []byte) (int, any, error) {
			var in payments.MethodInput
			if err := decode(body, &in); err != nil {
				return 0, nil, err
			}
			if forceToken {
				if in.Card != nil {
					return 0, nil, perr.Invalid("card", "attach takes a client token; send cards to POST /methods")
				}
				t := "token"
				in.Type = &t
			}
			m, err := svc.CreateMethod(r.Context(), p.tenant, in)
			return http.StatusCreated, m, err
		}
	}
	s.route("POST /methods", "methods:write", createMethod(false))
	s.route("POST /methods/attach", "methods:write", createMethod(true))
	s.route("POST /methods/verify", "methods:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.VerifyInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		v, err := svc.VerifyMethod(r.Context(), p.tenant, in)
		return http.StatusOK, v, err
	})
	s.route("GET /methods", "methods:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*payments.Method, error) {
			return svc.ListMethods(r.Context(), p.tenant, r.URL.Query().Get("customer_id"), c, n)
		}, func(m *payments.Method) string { return m.ID })
	})
	s.route("GET /methods/{id}", "methods:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		m, err := svc.GetMethod(r.Context(), p.tenant, r.PathValue("id"))
		return http.StatusOK, m, err
	})
	s.route("PATCH /methods/{id}", "methods:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.MethodInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		m, err := svc.PatchMethod(r.Context(), p.tenant, r.PathValue("id"), in)
		return http.StatusOK, m, err
	})
	s.route("DELETE /methods/{id}", "methods:write", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return deleted(r.PathValue("id"), "payment_method", svc.DeleteMethod(r.Context(), p.tenant, p.keyID, r.PathValue("id")))
	})

	// Intents.
	s.route("POST /intents", "intents:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.IntentInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.CreateIntent(r.Context(), p.tenant, in)
		return http.StatusCreated, x, err
	})
	s.route("GET /intents", "intents:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*payments.Intent, error) {
			return svc.ListIntents(r.Context(), p.tenant, r.URL.Query().Get("customer_id"), c, n)
		}, func(x *payments.Intent) string { return x.ID })
	})
	s.route("GET /intents/{id}", "intents:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		x, err := svc.GetIntent(r.Context(), p.tenant, r.PathValue("id"))
		return http.StatusOK, x, err
	})
	s.route("PATCH /intents/{id}", "intents:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.IntentInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		v, err := ifMatch(r)
		if err != nil {
			return 0, nil, err
		}
		x, err := svc.PatchIntent(r.Context(), p.tenant, r.PathValue("id"), in, v)
		return http.StatusOK, x, err
	})
	s.route("POST /intents/{id}/attach-method", "intents:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in struct {
			PaymentMethodID string `json:"payment_method_id"`
		}
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.AttachMethod(r.Context(), p.tenant, r.PathValue("id"), in.PaymentMethodID)
		return http.StatusOK, x, err
	})
	s.route("POST /intents/{id}/confirm", "intents:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.ConfirmInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.Confirm(r.Context(), p.tenant, r.PathValue("id"), in)
		return http.StatusOK, x, err
	})
	s.route("POST /intents/{id}/3ds/complete", "intents:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.ThreeDSInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.CompleteThreeDS(r.Context(), p.tenant, r.PathValue("id"), in)
		return http.StatusOK, x, err
	})
	s.route("GET /intents/{id}/next-action", "intents:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		x, err := svc.GetIntent(r.Context(), p.tenant, r.PathValue("id"))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, map[string]any{"object": "next_action", "intent_id": x.ID, "status": x.Status, "next_action": x.NextAction}, nil
	})
	s.route("POST /intents/{id}/capture", "intents:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in struct {
			AmountToCapture *int64 `json:"amount_to_capture"`
		}
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.Capture(r.Context(), p.tenant, r.PathValue("id"), in.AmountToCapture)
		return http.StatusOK, x, err
	})
	s.route("POST /intents/{id}/cancel", "intents:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in struct {
			Reason string `json:"cancellation_reason"`
		}
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.Cancel(r.Context(), p.tenant, r.PathValue("id"), in.Reason)
		return http.StatusOK, x, err
	})
	s.route("GET /intents/{id}/transactions", "intents:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*payments.Attempt, error) {
			return svc.Attempts(r.Context(), p.tenant, r.PathValue("id"), c, n)
		}, func(a *payments.Attempt) string { return a.ID })
	})
	s.route("GET /intents/{id}/refunds", "refunds:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*payments.Refund, error) {
			return svc.ListRefunds(r.Context(), p.tenant, r.PathValue("id"), c, n)
		}, func(x *payments.Refund) string { return x.ID })
	})

	// Authorizations and charges (an authorization's id is its authorize transaction's id).
	s.route("GET /authorizations/{id}", "intents:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		x, err := svc.GetAuthorization(r.Context(), p.tenant, r.PathValue("id"))
		return http.StatusOK, x, err
	})
	s.route("POST /authorizations/{id}/capture", "intents:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in struct {
			AmountToCapture *int64 `json:"amount_to_capture"`
		}
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.CaptureAuthorization(r.Context(), p.tenant, r.PathValue("id"), in.AmountToCapture)
		return http.StatusOK, x, err
	})
	s.route("POST /authorizations/{id}/void", "intents:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in struct {
			Reason string `json:"cancellation_reason"`
		}
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.VoidAuthorization(r.Context(), p.tenant, r.PathValue("id"), in.Reason)
		return http.StatusOK, x, err
	})
	s.route("GET /charges/{id}", "intents:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		x, err := svc.GetCharge(r.Context(), p.tenant, r.PathValue("id"))
		return http.StatusOK, x, err
	})
	s.route("GET /intents/{id}/charges", "intents:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*payments.Charge, error) {
			return svc.ListCharges(r.Context(), p.tenant, r.PathValue("id"), c, n)
		}, func(x *payments.Charge) string { return x.ID })
	})

	// Refunds.
	s.route("POST /refunds", "refunds:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.RefundInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.CreateRefund(r.Context(), p.tenant, in)
		return http.StatusCreated, x, err
	})
	s.route("GET /refunds", "refunds:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*payments.Refund, error) {
			return svc.ListRefunds(r.Context(), p.tenant, r.URL.Query().Get("intent_id"), c, n)
		}, func(x *payments.Refund) string { return x.ID })
	})
	s.route("GET /refunds/{id}", "refunds:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		x, err := svc.GetRefund(r.Context(), p.tenant, r.PathValue("id"))
		return http.StatusOK, x, err
	})
	// refundAction is a POST on one refund without parameters.
	refundAction := func(act func(ctx context.Context, tenant, id string) (*payments.Refund, error)) handlerFunc {
		return func(r *http.Request, p *principal, body []byte) (int, any, error) {
			var in struct{} // no parameters; unknown fields are refused
			if err := decode(body, &in); err != nil {
				return 0, nil, err
			}
			x, err := act(r.Context(), p.tenant, r.PathValue("id"))
			return http.StatusOK, x, err
		}
	}
	s.route("POST /refunds/{id}/cancel", "refunds:write", refundAction(svc.CancelRefund))
	s.route("POST /refunds/{id}/retry", "refunds:write", refundAction(svc.RetryRefund))

	// Disputes.
	s.route("POST /disputes", "disputes:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in payments.DisputeInput
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.CreateDispute(r.Context(), p.tenant, in)
		return http.StatusCreated, x, err
	})
	s.route("GET /disputes", "disputes:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		q := r.URL.Query()
		return list(r, func(c string, n int) ([]*payments.Dispute, error) {
			return svc.ListDisputes(r.Context(), p.tenant, q.Get("status"), q.Get("intent_id"), c, n)
		}, func(x *payments.Dispute) string { return x.ID })
	})
	s.route("GET /disputes/{id}", "disputes:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		x, err := svc.GetDispute(r.Context(), p.tenant, r.PathValue("id"))
		return http.StatusOK, x, err
	})
	s.route("GET /disputes/{id}/evidence", "disputes:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*payments.DisputeRecord, error) {
			return svc.DisputeHistory(r.Context(), p.tenant, r.PathValue("id"), "evidence", c, n)
		}, func(x *payments.DisputeRecord) string { return x.ID })
	})
	s.route("GET /disputes/{id}/history", "disputes:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*payments.DisputeRecord, error) {
			return svc.DisputeHistory(r.Context(), p.tenant, r.PathValue("id"), "", c, n)
		}, func(x *payments.DisputeRecord) string { return x.ID })
	})
	s.route("POST /disputes/{id}/submit-evidence", "disputes:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in struct {
			Evidence []payments.EvidenceInput `json:"evidence"`
		}
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		x, err := svc.SubmitEvidence(r.Context(), p.tenant, r.PathValue("id"), in.Evidence)
		return http.StatusOK, x, err
	})
	s.route("POST /disputes/{id}/close", "disputes:write", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		x, err := svc.CloseDispute(r.Context(), p.tenant, r.PathValue("id"))
		return http.StatusOK, x, err
	})

	// Outbound webhooks.
	wh := s.opts.Webhooks
	s.route("GET /webhooks", "webhooks:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*webhooks.Endpoint, error) {
			return wh.ListEndpoints(r.Context(), p.tenant, c, n)
		},
			func(e *webhooks.Endpoint) string { return e.ID })
	})
	s.route("POST /webhooks", "webhooks:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in struct {
			URL    string   `json:"url"`
			Events []string `json:"events"`
		}
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		e, err := wh.CreateEndpoint(r.Context(), p.tenant, in.URL, in.Events)
		return http.StatusCreated, e, err
	})
	s.route("DELETE /webhooks/{id}", "webhooks:write", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return deleted(r.PathValue("id"), "webhook_endpoint", wh.DeleteEndpoint(r.Context(), p.tenant, r.PathValue("id")))
	})
	s.route("GET /webhooks/{id}/deliveries", "webhooks:read", func(r *http.Request, p *principal, _ []byte) (int, any, error) {
		return list(r, func(c string, n int) ([]*webhooks.Delivery, error) {
			return wh.Deliveries(r.Context(), p.tenant, r.PathValue("id"), c, n)
		}, func(d *webhooks.Delivery) string { return d.ID })
	})
	s.route("POST /webhooks/test", "webhooks:write", func(r *http.Request, p *principal, body []byte) (int, any, error) {
		var in struct {
			EndpointID string `json:"endpoint_id"`
		}
		if err := decode(body, &in); err != nil {
			return 0, nil, err
		}
		if in.EndpointID == "" {
			return 0, nil, perr.Missing("endpoint_id")
		}
		id, err := wh.SendTest(r.Context(), p.tenant, in.EndpointID)
		if err == nil {
			s.opts.OnEvent()
		}
		return http.StatusAccepted, map[string]any{"object": "webhook_test", "event_id": id, "endpoint_id": in.EndpointID}, err
	})
}

func list[T any](r *http.Request, fetch func(cursor string, n int) ([]T, error), id func(T) string) (int, any, error) {
	cursor, limit, err := pageParams(r)
	if err != nil {
		return 0, nil, err
	}
	rows, err := fetch(cursor, limit+1)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, makePage(rows, limit, id), nil
}

func deleted(id, object string, err error) (int, any, error) {
	return http.StatusOK, map[string]any{"id": id, "object": object, "deleted": true}, err
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{"status": "ok"}
	checks := map[string]string{}
	status := http.StatusOK
	for _, c := range s.opts.Health {
		if err := c.Check(r.Context()); err != nil {
			checks[c.Name] = "error: " + err.Error()
			status, out["status"] = http.StatusServiceUnavailable, "degraded"
		} else {
			checks[c.Name] = "ok"
		}
	}
	out["checks"] = checks
	writeJSON(w, status, out)
}
