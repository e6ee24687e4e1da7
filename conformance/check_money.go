package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/manifest"
	"github.com/connectorhost/connector-host/money"
)

const idMoney = "money.roundtrip"

// moneyFlow names, for a flow, the request's amount and the response field
// that reports it back.
type moneyFlow struct {
	flow      v1.Flow
	req, resp protoreflect.Name
}

var moneyFlows = []moneyFlow{
	{v1.Flow_FLOW_AUTHORIZE, "amount", "amount"},
	{v1.Flow_FLOW_CAPTURE, "amount_to_capture", "captured_amount"},
	{v1.Flow_FLOW_REFUND, "refund_amount", "refund_amount"},
	{v1.Flow_FLOW_RECURRING_CHARGE, "amount", "amount"},
	{v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, "amount", "amount"},
}

// moneyAmounts are the minor-unit amounts tried in each currency: distinctive
// digits, a trailing zero, and multiples of 10 (some processors round
// three-decimal currencies to 10 fils).
var moneyAmounts = []int64{123450, 120500}

// preferredCurrencies are tried first for each exponent.
var preferredCurrencies = map[int][]string{0: {"JPY", "KRW"}, 2: {"USD", "EUR", "GBP"}, 3: {"BHD", "KWD", "JOD"}}

// moneyCurrencies picks one zero-, two- and three-decimal currency: from the
// manifest when it lists currencies (an exponent it lacks is not tested),
// else JPY, USD and BHD. declared reports whether the manifest lists them.
func moneyCurrencies(m *v1.Manifest) (out []string, declared bool) {
	listed := m.GetCurrencies()
	if len(listed) == 0 {
		return []string{"JPY", "USD", "BHD"}, false
	}
	in := map[string]bool{}
	for _, c := range listed {
		in[c] = true
	}
	for _, exp := range []int{0, 2, 3} {
		pick := ""
		for _, c := range preferredCurrencies[exp] {
			if in[c] {
				pick = c
				break
			}
		}
		for _, c := range listed {
			if e, err := money.Exponent(c); pick == "" && err == nil && e == exp {
				pick = c
			}
		}
		if pick != "" {
			out = append(out, pick)
		}
	}
	return out, true
}

// checkMoney checks that amounts round-trip. For each flow that carries an
// amount and reports it back, it takes a fixture whose processor answer
// echoes the fixture's amount, then for each currency: builds the request
// with a new amount and checks the processor request carries it (ISO-4217
// minor units or a decimal of the same value); rewrites the fixture's answer
// to echo that amount and currency in the processor's representation; and
// checks the parsed response reports exactly the requested amount.
func (s *suite) checkMoney(ctx context.Context) error {
	tested := false
	for _, mf := range moneyFlows {
		if !manifest.Supports(s.m, mf.flow) {
			continue
		}
		c, err := s.moneyFlow(ctx, mf)
		if err != nil {
			return err
		}
		if c != nil {
			tested = true
			s.report.add(*c)
		}
	}
	if !tested {
		s.report.add(skipped(idMoney, CategoryMoney, 0,
			"no fixture of Authorize, Capture, Refund, RecurringPaymentService.Charge or IncrementalAuthorization whose JSON answer echoes the amount"))
	}
	return nil
}

// moneyFlow returns the flow's result, or nil when no fixture is usable.
func (s *suite) moneyFlow(ctx context.Context, mf moneyFlow) (*CheckResult, error) {
	for _, f := range s.fixturesFor(mf.flow) {
		c, err := s.moneyFixture(ctx, mf, f)
		if err != nil || c != nil {
			return c, err
		}
	}
	return nil, nil
}

func (s *suite) moneyFixture(ctx context.Context, mf moneyFlow, f *Fixture) (*CheckResult, error) {
	if f.Response == nil || f.Response.Status/100 != 2 || f.ExpectErrorKind != "" {
		return nil, nil
	}
	respBody := f.Response.Bytes()
	if !json.Valid(respBody) || len(respBody) == 0 {
		return nil, nil
	}
	reqFD := f.request.ProtoReflect().Descriptor().Fields().ByName(mf.req)
	if reqFD == nil || !f.request.ProtoReflect().Has(reqFD) {
		return nil, nil
	}
	orig, ok := f.request.ProtoReflect().Get(reqFD).Message().Interface().(*v1.Money)
	if !ok || orig.GetMinorAmount() == 0 || !money.Known(orig.GetCurrency()) {
		return nil, nil
	}
	// The answer must echo the fixture's amount for the suite to substitute it.
	class := echoClass(respBody, orig)
	if class == "" {
		return nil, nil
	}
	currencies, declared := moneyCurrencies(s.m)
	amountless, err := s.amountless(ctx, f, currencies[0])
	if err != nil {
		return nil, err
	}
	what := "fixture " + f.label()
	var probs, notes []string
	for _, cur := range currencies {
		for _, amt := range moneyAmounts {
			p, note, err := s.moneyCase(ctx, mf, f, orig, class, &v1.Money{MinorAmount: amt, Currency: cur}, declared, amountless)
			if err != nil {
				return nil, err
			}
			if p != "" {
				probs = append(probs, fmt.Sprintf("%s, %s: %s", what, fmtMoney(amt, cur), p))
			}
			if note != "" {
				notes = append(notes, fmt.Sprintf("%s: %s", fmtMoney(amt, cur), note))
			}
		}
	}
	pass := fmt.Sprintf("%s round-trip through %s (amounts %s)", strings.Join(currencies, ", "), what, class)
	if amountless {
		pass = fmt.Sprintf("%s: the processor request carries no amount (the same request for every amount); answers echoing %s parse back exactly and an answer with another amount is refused",
			what, strings.Join(currencies, ", "))
	}
	if len(notes) > 0 {
		pass += "; not tested: " + strings.Join(notes, "; ")
	}
	c := result(idMoney, CategoryMoney, mf.flow, probs, pass,
		"Convert with money (ISO-4217 exponents, or the processor's Exponents table) in both directions: the amount sent and the amount parsed back must be the same minor units.")
	return &c, nil
}

func fmtMoney(minor int64, cur string) string {
	d, err := money.Decimal(minor, cur)
	if err != nil {
		return fmt.Sprintf("%d %s", minor, cur)
	}
	return d + " " + cur
}

// moneyCase runs one amount. It returns a problem, or a note when the case
// does not apply (an undeclared currency the plugin refuses).
// amountless reports whether the flow's processor request carries no amount
// at all: the fixture's request built with two different amounts gives the
// same URL and body (Square's CompletePayment completes the authorized
// amount and takes none). The send half of the check then cannot apply; the
// parse half still does, and the plugin must refuse an answer whose amount
// is not the requested one.
func (s *suite) amountless(ctx context.Context, f *Fixture, cur string) (bool, error) {
	var sent []string
	for _, amt := range moneyAmounts {
		req := proto.Clone(f.request)
		setAllMoney(req.ProtoReflect(), &v1.Money{MinorAmount: amt, Currency: cur})
		reqB, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
		if err != nil {
			return false, fmt.Errorf("encode request: %w", err)
		}
		out, fault, err := s.build(ctx, s.t, &pluginv1.BuildRequestInput{Flow: f.flow, Request: reqB, Context: s.callContext(f), State: f.state}, f.label()+" amount probe build")
		if err != nil || fault != nil || out.GetHttpRequest() == nil {
			return false, err
		}
		hr := out.GetHttpRequest()
		text := hr.GetUrl() + "\n" + string(hr.GetBody())
		if carriesAmount(text, &v1.Money{MinorAmount: amt, Currency: cur}) {
			return false, nil
		}
		sent = append(sent, text)
	}
	return len(sent) == 2 && sent[0] == sent[1], nil
}

func (s *suite) moneyCase(ctx context.Context, mf moneyFlow, f *Fixture, orig *v1.Money, class string, want *v1.Money, declared, amountless bool) (problem, note string, err error) {
	req := proto.Clone(f.request)
	setAllMoney(req.ProtoReflect(), want)
	reqB, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return "", "", fmt.Errorf("encode request: %w", err)
	}
	cc := s.callContext(f)
	what := fmt.Sprintf("%s money case %s", f.label(), fmtMoney(want.GetMinorAmount(), want.GetCurrency()))
	out, fault, err := s.build(ctx, s.t, &pluginv1.BuildRequestInput{Flow: f.flow, Request: reqB, Context: cc, State: f.state}, what+" build")
	if err != nil || fault != nil {
		return faultProblem("build", fault), "", err
	}
	hr := out.GetHttpRequest()
	if hr == nil {
		if !declared {
			return "", fmt.Sprintf("refused (%s)", describeBuild(out)), nil
		}
		return fmt.Sprintf("the currency is declared but build answered %s", describeBuild(out)), "", nil
	}
	sent := hr.GetUrl() + "\n" + string(hr.GetBody())
	if amountless {
		if p, err := s.otherAmountRefused(ctx, mf, f, reqB, cc, hr, want, what); p != "" || err != nil {
			return p, "", err
		}
	} else if !carriesAmount(sent, want) {
		return fmt.Sprintf("the processor request does not carry the amount in ISO-4217 minor units (%d) or as a decimal of the same value%s",
			want.GetMinorAmount(), wrongExponentHint(sent, want)), "", nil
	}
	body, err := echoAmount(f.Response.Bytes(), orig, want, class)
	if err != nil {
		return "", "", err
	}
	res := fixtureResponse(f.Response)
	res.Body = body
	po, fault, err := s.parse(ctx, s.t, &pluginv1.ParseResponseInput{Flow: f.flow, Request: reqB, Context: cc, State: f.state,
		HttpRequest: stripSecretHeaders(hr), HttpResponse: res}, what+" parse")
	if err != nil || fault != nil {
		return faultProblem("parse", fault), "", err
	}
	r := po.GetResponse()
	if r == nil {
		return fmt.Sprintf("parse of the answer echoing the amount returned %s", describeParse(po)), "", nil
	}
	msg := f.info.NewResponse()
	if err := msg.UnmarshalVT(r); err != nil {
		return fmt.Sprintf("parse returned bytes that are not a %s", f.info.Name()), "", nil
	}
	fd := msg.ProtoReflect().Descriptor().Fields().ByName(mf.resp)
	got, _ := msg.ProtoReflect().Get(fd).Message().Interface().(*v1.Money)
	if !proto.Equal(got, want) {
		return fmt.Sprintf("the answer echoed the amount the plugin sent, but %s parsed as %d %s (want %d %s)",
			mf.resp, got.GetMinorAmount(), got.GetCurrency(), want.GetMinorAmount(), want.GetCurrency()), "", nil
	}
	return "", "", nil
}

// otherAmountRefused parses the fixture's own answer (echoing its original
// amount) for a request of want: an amountless flow's plugin must not report
// that other amount as the one processed.
func (s *suite) otherAmountRefused(ctx context.Context, mf moneyFlow, f *Fixture, reqB []byte, cc *pluginv1.CallContext, hr *pluginv1.HttpRequest, want *v1.Money, what string) (string, error) {
	po, fault, err := s.parse(ctx, s.t, &pluginv1.ParseResponseInput{Flow: f.flow, Request: reqB, Context: cc, State: f.state,
		HttpRequest: stripSecretHeaders(hr), HttpResponse: fixtureResponse(f.Response)}, what+" other amount parse")
	if err != nil || fault != nil {
		return faultProblem("parse", fault), err
	}
	r := po.GetResponse()
	if r == nil {
		return "", nil
	}
	msg := f.info.NewResponse()
	if err := msg.UnmarshalVT(r); err != nil {
		return fmt.Sprintf("parse returned bytes that are not a %s", f.info.Name()), nil
	}
	got, _ := msg.ProtoReflect().Get(msg.ProtoReflect().Descriptor().Fields().ByName(mf.resp)).Message().Interface().(*v1.Money)
	if got != nil && !proto.Equal(got, want) {
		return fmt.Sprintf("the request carries no amount and the answer reports %d %s for a request of %d %s, yet parsed as %s %d %s instead of an error",
			got.GetMinorAmount(), got.GetCurrency(), want.GetMinorAmount(), want.GetCurrency(), mf.resp, got.GetMinorAmount(), got.GetCurrency()), nil
	}
	return "", nil
}

func describeParse(po *pluginv1.ParseResponseOutput) string {
	switch r := po.GetResult().(type) {
	case *pluginv1.ParseResponseOutput_Error:
		return "error " + errorText(r.Error)
	case *pluginv1.ParseResponseOutput_NextStep:
		return fmt.Sprintf("a next step %s", r.NextStep.GetFlow())
	}
	return "no result"
}

// setAllMoney sets every top-level Money field of m to want.
func setAllMoney(m protoreflect.Message, want *v1.Money) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Kind() == protoreflect.MessageKind && !fd.IsList() && !fd.IsMap() && fd.Message().FullName() == "connectorhost.v1.Money" {
			m.Set(fd, protoreflect.ValueOfMessage(proto.Clone(want).ProtoReflect()))
		}
	}
}

var numberToken = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?`)

// amountClass says how text represents amt: "minor units", "decimal" or "".
func amountClass(token string, amt *v1.Money) string {
	iso, err := money.Exponent(amt.GetCurrency())
	if err != nil {
		return ""
	}
	if token == strconv.FormatInt(amt.GetMinorAmount(), 10) {
		return "in minor units"
	}
	if strings.Contains(token, ".") {
		if v, err := money.ParseDecimalExp(token, iso); err == nil && v == amt.GetMinorAmount() {
			return "as decimals"
		}
	}
	return ""
}

func carriesAmount(text string, amt *v1.Money) bool {
	for _, tok := range numberToken.FindAllString(text, -1) {
		if amountClass(tok, amt) != "" {
			return true
		}
	}
	return false
}

// wrongExponentHint explains an amount sent with another exponent than ISO's.
func wrongExponentHint(text string, amt *v1.Money) string {
	iso, _ := money.Exponent(amt.GetCurrency())
	for _, tok := range numberToken.FindAllString(text, -1) {
		for e := 0; e <= 4; e++ {
			if e == iso {
				continue
			}
			if v, err := money.ParseDecimalExp(tok, e); err == nil && v == amt.GetMinorAmount() && strings.Contains(tok, ".") {
				return fmt.Sprintf("; it sent %s, which reads as %d decimals but %s has %d", tok, e, amt.GetCurrency(), iso)
			}
		}
	}
	return ""
}

// echoClass returns how the JSON answer echoes amt ("" when it does not).
func echoClass(body []byte, amt *v1.Money) string {
	class := ""
	_, _, _ = rewriteJSON(body, func(_ string, v any) (any, bool) {
		if tok, ok := scalarText(v); ok && class == "" {
			class = amountClass(tok, amt)
		}
		return nil, false
	})
	return class
}

// echoAmount rewrites the answer: values equal to orig (in class) become
// want in the same class and JSON type; currency codes equal to orig's
// become want's in the same letter case.
func echoAmount(body []byte, orig, want *v1.Money, class string) ([]byte, error) {
	wantIso, err := money.Exponent(want.GetCurrency())
	if err != nil {
		return nil, err
	}
	text := strconv.FormatInt(want.GetMinorAmount(), 10)
	if class == "as decimals" {
		text = money.FormatDecimal(want.GetMinorAmount(), wantIso)
	}
	out, _, err := rewriteJSON(body, func(_ string, v any) (any, bool) {
		tok, ok := scalarText(v)
		if !ok {
			return nil, false
		}
		if amountClass(tok, orig) == class {
			if _, isNum := v.(json.Number); isNum {
				return json.Number(text), true
			}
			return text, true
		}
		if s, isStr := v.(string); isStr && strings.EqualFold(s, orig.GetCurrency()) {
			if s == strings.ToLower(s) {
				return strings.ToLower(want.GetCurrency()), true
			}
			return want.GetCurrency(), true
		}
		return nil, false
	})
	if err != nil {
		return nil, fmt.Errorf("rewrite fixture answer: %w", err)
	}
	return out, nil
}

func scalarText(v any) (string, bool) {
	switch t := v.(type) {
	case json.Number:
		return t.String(), true
	case string:
		return t, true
	}
	return "", false
}
