package conformance

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/manifest"
)

// Webhook check IDs.
const (
	idWebhookSample   = "webhook.sample"
	idWebhookTampered = "webhook.tampered"
	idWebhookStale    = "webhook.stale"
	idWebhookParse    = "webhook.parse"
)

// webhookInput is the verify_webhook input of a webhook fixture.
func (s *suite) webhookInput(f *Fixture) *pluginv1.VerifyWebhookInput {
	w := f.Webhook
	method := w.Method
	if method == "" {
		method = "POST"
	}
	url := w.URL
	if url == "" {
		url = "https://merchant.example/webhooks/" + s.m.GetName()
	}
	return &pluginv1.VerifyWebhookInput{
		Webhook:   &v1.WebhookRequest{Method: method, Url: url, Headers: headerList(w.Headers), Body: []byte(w.BodyText)},
		Context:   s.callContext(f),
		Documents: fixtureDocuments(w.Documents),
	}
}

// fixtureDocuments are a fixture's documents as the host would fetch them,
// in URL order. A plugin reads them on its first call, so the robustness
// checks exercise verification; one that asks for another document gets it
// as a 404 (see suite.verify).
func fixtureDocuments(docs map[string]string) []*pluginv1.FetchedDocument {
	urls := make([]string, 0, len(docs))
	for u := range docs {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	out := make([]*pluginv1.FetchedDocument, 0, len(urls))
	for _, u := range urls {
		out = append(out, &pluginv1.FetchedDocument{Url: u, Status: 200, Body: []byte(docs[u])})
	}
	return out
}

// verifiedCount counts the verified events of an output; -1 when it is not a Verified.
func verifiedCount(out *pluginv1.VerifyWebhookOutput) int {
	v := out.GetVerified()
	if v == nil {
		return -1
	}
	n := 0
	for _, e := range v.GetEvents() {
		if e.GetVerified() {
			n++
		}
	}
	return n
}

// payloadLeaks lists unverified events that carry a payload: an event that
// failed verification must carry nothing but its id, type and reason.
func payloadLeaks(out *pluginv1.VerifyWebhookOutput) []string {
	var probs []string
	for i, e := range out.GetVerified().GetEvents() {
		if !e.GetVerified() && e.GetPayload() != nil {
			probs = append(probs, fmt.Sprintf("event %d is not verified but carries a payload", i))
		}
	}
	return probs
}

// checkWebhooks verifies every webhook fixture through the host's executor
// (webhookSample, the path ExecuteFixtures takes), then tampered and stale
// variants of it, which must all be refused by the plugin itself.
func (s *suite) checkWebhooks(ctx context.Context) error {
	if !s.m.GetWebhooks().GetSupported() {
		s.report.add(forWebhooks(skipped(idWebhookSample, CategoryWebhooks, 0, "webhooks are not supported")))
		return nil
	}
	if len(s.webhooks) == 0 {
		for _, id := range []string{idWebhookSample, idWebhookTampered, idWebhookStale} {
			s.report.add(forWebhooks(skipped(id, CategoryWebhooks, 0, "no webhook fixture (see fixtures.coverage)")))
		}
		return nil
	}
	var sampleProbs, tamperProbs, staleProbs, parseProbs []string
	variants, staleRuns, inBody, inBodySigned, parsed := 0, 0, 0, 0, 0
	for _, f := range s.webhooks {
		what := "webhook fixture " + f.label()
		in := s.webhookInput(f)
		probs, verified, err := s.webhookSample(ctx, f, in)
		if err != nil {
			return err
		}
		sampleProbs = append(sampleProbs, prefix(what, probs)...)
		if verified == nil {
			continue
		}
		out := &pluginv1.VerifyWebhookOutput{Result: &pluginv1.VerifyWebhookOutput_Verified{Verified: verified}}
		orig := verifiedCount(out)
		if s.m.GetWebhooks().GetParseSupported() {
			parsed++
			p, err := s.parseMatches(ctx, in, out, what)
			if err != nil {
				return err
			}
			parseProbs = append(parseProbs, p...)
		}
		if f.SignatureInBody {
			inBody++
			if len(f.SignedValues) > 0 {
				inBodySigned++
			}
		}
		for _, v := range s.tamperedVariants(f, in) {
			variants++
			p, err := s.mustRefuse(ctx, v.in, orig, what+", "+v.name)
			if err != nil {
				return err
			}
			if p != "" {
				tamperProbs = append(tamperProbs, p)
			}
		}
		if s.m.GetWebhooks().GetTimestamped() {
			staleRuns++
			stale := proto.Clone(in).(*pluginv1.VerifyWebhookInput)
			tol := s.m.GetWebhooks().GetToleranceSeconds()
			stale.Context.NowUnixMs += (tol + 300) * 1000
			p, err := s.mustRefuse(ctx, stale, orig, fmt.Sprintf("%s, received %ds after it was signed (tolerance %ds)", what, tol+300, tol))
			if err != nil {
				return err
			}
			if p != "" {
				staleProbs = append(staleProbs, p)
			}
		}
	}
	if inBody > 0 && inBodySigned == 0 {
		tamperProbs = append(tamperProbs, "no signature_in_body fixture lists signed_values, so tampering with signed content was not tested: "+
			`add "signed_values" (values the signature covers, e.g. a pspReference, merchantReference and amount value) to at least one webhook fixture`)
	}
	s.report.add(forWebhooks(result(idWebhookSample, CategoryWebhooks, 0, sampleProbs,
		fmt.Sprintf("%d webhook fixtures verified with the expected events", len(s.webhooks)),
		"Verify the signature over the exact raw body with the secret from the credential named by manifest.webhooks.secret_field and normalize events as the fixture expects; return a *pdk.Rejection only for bad signatures.")))
	s.report.add(forWebhooks(result(idWebhookTampered, CategoryWebhooks, 0, tamperProbs,
		fmt.Sprintf("%d tampered variants (flipped body bytes, corrupted or missing signature, wrong secret) refused", variants),
		"Recompute the HMAC over the exact received bytes with the configured secret and compare in constant time (pdk/sig.EqualString); reject a missing or malformed signature; never return verified events, or an unverified event with its payload, from a webhook that fails.")))
	if s.m.GetWebhooks().GetParseSupported() {
		s.report.add(forWebhooks(result(idWebhookParse, CategoryWebhooks, 0, parseProbs,
			fmt.Sprintf("%d webhook fixtures parsed without credentials to the events verification gives", parsed),
			"ParseWebhook must read the payload exactly as VerifyWebhook normalizes it (pdk.ParsedFrom), with no credentials, and never claim to verify.")))
	} else {
		s.report.add(forWebhooks(skipped(idWebhookParse, CategoryWebhooks, 0, "the plugin does not parse webhooks without credentials (manifest.webhooks.parse_supported)")))
	}
	if !s.m.GetWebhooks().GetTimestamped() {
		s.report.add(forWebhooks(skipped(idWebhookStale, CategoryWebhooks, 0, "the signature scheme is not timestamped")))
		return nil
	}
	s.report.add(forWebhooks(result(idWebhookStale, CategoryWebhooks, 0, staleProbs,
		fmt.Sprintf("%d samples refused once older than the %ds tolerance", staleRuns, s.m.GetWebhooks().GetToleranceSeconds()),
		"Compare the signed timestamp with pdk.Context.NowUnix() and reject (REJECTION_REASON_STALE_TIMESTAMP) beyond manifest.webhooks.tolerance_seconds.")))
	return nil
}

// parseMatches runs verify_webhook in parse-only mode on a fixture with its
// credentials removed: the events must be those verification returned, in
// order, with the same ids, types and kinds.
func (s *suite) parseMatches(ctx context.Context, in *pluginv1.VerifyWebhookInput, verified *pluginv1.VerifyWebhookOutput, what string) ([]string, error) {
	pin := proto.Clone(in).(*pluginv1.VerifyWebhookInput)
	pin.ParseOnly = true
	pin.Context.Credentials = nil
	pin.Documents = nil // the host never fetches to parse
	out, fault, err := s.verify(ctx, s.t, pin, what+" (parse only)")
	if err != nil || fault != nil {
		if fault != nil {
			return []string{faultProblem(what+" (parse only)", fault)}, err
		}
		return nil, err
	}
	got := out.GetParsed().GetEvents()
	if out.GetParsed() == nil {
		return []string{fmt.Sprintf("%s: parse only answered %s, not parsed events", what, describeVerify(out))}, nil
	}
	want := verified.GetVerified().GetEvents()
	if len(got) != len(want) {
		return []string{fmt.Sprintf("%s: parse only gave %d events, verification %d", what, len(got), len(want))}, nil
	}
	var probs []string
	for i, w := range want {
		g := got[i]
		if g.GetEventId() != w.GetEventId() || g.GetConnectorEventType() != w.GetConnectorEventType() || (w.GetVerified() && g.GetKind() != w.GetKind()) {
			probs = append(probs, fmt.Sprintf("%s: parsed event %d is %s/%s/%v, verification gave %s/%s/%v", what, i,
				g.GetEventId(), g.GetConnectorEventType(), g.GetKind(), w.GetEventId(), w.GetConnectorEventType(), w.GetKind()))
		}
	}
	return probs, nil
}

// sampleProblems checks a fixture's own verification.
func sampleProblems(f *Fixture, out *pluginv1.VerifyWebhookOutput) []string {
	if f.ExpectRejection != "" {
		rej := out.GetRejection()
		switch {
		case rej == nil:
			return []string{fmt.Sprintf("must be rejected with %s, got %s", f.ExpectRejection, describeVerify(out))}
		case rej.GetReason() != f.rejectionReason:
			return []string{fmt.Sprintf("must be rejected with %s, got %s (%s)", f.ExpectRejection, rej.GetReason(), rej.GetMessage())}
		}
		return nil
	}
	v := out.GetVerified()
	if v == nil {
		return []string{fmt.Sprintf("the sample must verify, got %s", describeVerify(out))}
	}
	probs := payloadLeaks(out)
	if len(v.GetEvents()) != len(f.expectEvents) {
		return append(probs, fmt.Sprintf("want %d events, got %d", len(f.expectEvents), len(v.GetEvents())))
	}
	for i, want := range f.expectEvents {
		probs = append(probs, prefix(fmt.Sprintf("event %d", i), matchSubset(want, v.GetEvents()[i].ProtoReflect()))...)
	}
	return probs
}

func describeVerify(out *pluginv1.VerifyWebhookOutput) string {
	switch r := out.GetResult().(type) {
	case *pluginv1.VerifyWebhookOutput_Verified:
		return fmt.Sprintf("verified with %d events (%d verified)", len(r.Verified.GetEvents()), verifiedCount(out))
	case *pluginv1.VerifyWebhookOutput_Rejection:
		return fmt.Sprintf("rejection %s (%s)", r.Rejection.GetReason(), r.Rejection.GetMessage())
	case *pluginv1.VerifyWebhookOutput_Error:
		return "error " + errorText(r.Error)
	}
	return "no result"
}

// mustRefuse verifies a variant that must not be accepted: it must give a
// rejection or an error, or (per-item schemes) fewer verified events than
// the genuine sample, and no unverified event may carry a payload.
func (s *suite) mustRefuse(ctx context.Context, in *pluginv1.VerifyWebhookInput, orig int, what string) (string, error) {
	out, fault, err := s.verify(ctx, s.t, in, what)
	if err != nil || fault != nil {
		return faultProblem(what, fault), err
	}
	if n := verifiedCount(out); n > 0 && n >= orig {
		return fmt.Sprintf("%s: accepted (%s)", what, describeVerify(out)), nil
	}
	if leaks := payloadLeaks(out); len(leaks) > 0 {
		return fmt.Sprintf("%s: %s", what, strings.Join(leaks, "; ")), nil
	}
	return "", nil
}

type webhookVariant struct {
	name string
	in   *pluginv1.VerifyWebhookInput
}

// signatureRun finds signature-like runs (hex, base64) in a header value.
var signatureRun = regexp.MustCompile(`[A-Za-z0-9+/_-]{16,}={0,2}`)

// tamperedVariants derives the forgeries of a genuine sample.
func (s *suite) tamperedVariants(f *Fixture, in *pluginv1.VerifyWebhookInput) []webhookVariant {
	var out []webhookVariant
	with := func(name string, edit func(w *v1.WebhookRequest, cc *pluginv1.CallContext)) {
		v := proto.Clone(in).(*pluginv1.VerifyWebhookInput)
		v.Context.Credentials = maps.Clone(in.GetContext().GetCredentials())
		edit(v.Webhook, v.Context)
		out = append(out, webhookVariant{name, v})
	}
	body := []byte(f.Webhook.BodyText)
	if f.SignatureInBody {
		for _, sv := range f.SignedValues {
			i := strings.Index(f.Webhook.BodyText, sv) + len(sv)/2
			with(fmt.Sprintf("signed value %q altered at body byte %d", sv, i), func(w *v1.WebhookRequest, _ *pluginv1.CallContext) {
				w.Body = flipAt(body, i, flipChar)
			})
		}
		with("signature corrupted", func(w *v1.WebhookRequest, _ *pluginv1.CallContext) {
			b := f.Webhook.BodyText
			for _, sig := range f.SignatureValues {
				b = strings.ReplaceAll(b, sig, corrupt(sig))
			}
			w.Body = []byte(b)
		})
		with("signature removed", func(w *v1.WebhookRequest, _ *pluginv1.CallContext) {
			b := f.Webhook.BodyText
			for _, sig := range f.SignatureValues {
				b = strings.ReplaceAll(b, sig, "")
			}
			w.Body = []byte(b)
		})
	} else {
		for _, i := range flipPositions(len(body), s.opts.WebhookFlips) {
			with(fmt.Sprintf("body byte %d flipped", i), func(w *v1.WebhookRequest, _ *pluginv1.CallContext) {
				w.Body = flipAt(body, i, func(b byte) byte { return b ^ 0x01 })
			})
		}
		with("signature header corrupted", func(w *v1.WebhookRequest, _ *pluginv1.CallContext) {
			for _, h := range w.Headers {
				if strings.EqualFold(h.GetName(), f.SignatureHeader) {
					h.Value = signatureRun.ReplaceAllStringFunc(h.GetValue(), corrupt)
				}
			}
		})
		with("signature header removed", func(w *v1.WebhookRequest, _ *pluginv1.CallContext) {
			var keep []*v1.HttpHeader
			for _, h := range w.Headers {
				if !strings.EqualFold(h.GetName(), f.SignatureHeader) {
					keep = append(keep, h)
				}
			}
			w.Headers = keep
		})
	}
	with("wrong webhook secret", func(_ *v1.WebhookRequest, cc *pluginv1.CallContext) {
		fields := manifest.SecretFields(s.m)
		if sf := s.m.GetWebhooks().GetSecretField(); sf != "" {
			fields = []string{sf}
		}
		for _, name := range fields {
			if v := cc.Credentials[name]; v != "" {
				cc.Credentials[name] = corrupt(v)
			}
		}
	})
	return out
}

// flipPositions spreads n positions over a body of length size, first and last included.
func flipPositions(size, n int) []int {
	if size == 0 {
		return nil
	}
	if n > size {
		n = size
	}
	seen := map[int]bool{}
	var out []int
	for k := 0; k < n; k++ {
		i := 0
		if n > 1 {
			i = k * (size - 1) / (n - 1)
		}
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}

func flipAt(b []byte, i int, f func(byte) byte) []byte {
	out := append([]byte(nil), b...)
	if i >= 0 && i < len(out) {
		out[i] = f(out[i])
	}
	return out
}

// corrupt changes the middle character of s, keeping it in its class (a hex
// key stays hex), so the value is still well-formed but wrong.
func corrupt(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	i := len(b) / 2
	for j := 0; j < len(b); j++ { // prefer an alphanumeric character
		k := (i + j) % len(b)
		if isAlnum(b[k]) {
			i = k
			break
		}
	}
	b[i] = flipChar(b[i])
	return string(b)
}

func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// flipChar changes c to another character of its class: a digit to a digit,
// a hex letter to a hex letter, a letter to a letter.
func flipChar(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return '0' + (c-'0'+1)%10
	case c >= 'a' && c <= 'f':
		return 'a' + (c-'a'+1)%6
	case c >= 'A' && c <= 'F':
		return 'A' + (c-'A'+1)%6
	case c >= 'g' && c <= 'z':
		return 'g' + (c-'g'+1)%20
	case c >= 'G' && c <= 'Z':
		return 'G' + (c-'G'+1)%20
	}
	return c ^ 0x01
}
