package conformance

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/manifest"
)

// Manifest check IDs.
const (
	idLoad            = "plugin.load"
	idManifestValid   = "manifest.valid"
	idABIVersion      = "manifest.abi_version"
	idEgress          = "manifest.egress"
	idCredentials     = "manifest.credentials"
	idFlowHandled     = "manifest.flows"
	idPaymentMethods  = "manifest.payment_methods"
	fixManifestValid  = "Fix the manifest fields named (see proto/connectorhost/v1/manifest.proto)."
	fixABIVersion     = "Build the plugin with this repository's PDK: pdk.Register fills abi_version and the export."
	fixEgress         = "Every base URL must be https and its host must match an egress_hosts entry (exact host or *.suffix)."
	fixCredentials    = "Declare every credential field the plugin reads in manifest.credential_fields, and mark API keys, secrets, passwords and tokens secret: true."
	fixFlowHandled    = "Register the flow's handler in Connector.Flows (pdk.<Flow>(handler)), or remove the flow from manifest.flows."
	fixPaymentMethods = "Handle the payment method in the Authorize builder (a missing case in a type switch returns UNSUPPORTED), or remove it from manifest.payment_methods."
)

// manifestProblemCheck routes one manifest.Validate problem to its check.
func manifestProblemCheck(problem string) string {
	switch {
	case strings.HasPrefix(problem, "manifest.abi_version"):
		return idABIVersion
	case strings.HasPrefix(problem, "manifest.sandbox_base_url"), strings.HasPrefix(problem, "manifest.live_base_url"),
		strings.HasPrefix(problem, "manifest.egress_hosts"):
		return idEgress
	case strings.HasPrefix(problem, "manifest.credential_fields"), strings.HasPrefix(problem, "manifest.webhooks.secret_field"):
		return idCredentials
	}
	return idManifestValid
}

// splitManifestProblems groups Validate's problems by check ID.
func splitManifestProblems(errs []error) map[string][]string {
	out := map[string][]string{}
	for _, e := range errs {
		id := manifestProblemCheck(e.Error())
		out[id] = append(out[id], e.Error())
	}
	return out
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// classifyManifestProblems is the failed manifest checks of a plugin the
// runtime refused for its manifest.
func classifyManifestProblems(errs []error) []CheckResult {
	by := splitManifestProblems(errs)
	var out []CheckResult
	for _, c := range []struct{ id, fix string }{
		{idManifestValid, fixManifestValid}, {idABIVersion, fixABIVersion}, {idEgress, fixEgress}, {idCredentials, fixCredentials},
	} {
		if probs := by[c.id]; len(probs) > 0 {
			out = append(out, result(c.id, CategoryManifest, 0, probs, "", c.fix))
		}
	}
	return out
}

func abiMismatch(err error) bool { return strings.Contains(err.Error(), "speaks plugin ABI") }

// checkManifest validates the manifest as the runtime does (the runtime
// already refused an invalid one; native runs rely on this check).
func (s *suite) checkManifest(context.Context) error {
	by := splitManifestProblems(unjoin(manifest.Validate(s.m, s.fileName())))
	if s.m.GetAbiVersion() != abi.Version && len(by[idABIVersion]) == 0 {
		by[idABIVersion] = []string{fmt.Sprintf("manifest.abi_version is %d; this host speaks ABI v%d", s.m.GetAbiVersion(), abi.Version)}
	}
	if s.native {
		s.report.add(skipped(idLoad, CategoryManifest, 0, "native run: the .wasm was not loaded (run the suite on the built plugin before shipping)"))
	} else {
		s.report.add(result(idLoad, CategoryManifest, 0, nil, "the runtime loads the plugin: imports, exports, ABI version and manifest accepted", ""))
	}
	s.report.add(result(idManifestValid, CategoryManifest, 0, by[idManifestValid], "the manifest is valid", fixManifestValid))
	s.report.add(result(idABIVersion, CategoryManifest, 0, by[idABIVersion], fmt.Sprintf("speaks plugin ABI v%d", abi.Version), fixABIVersion))
	s.report.add(result(idEgress, CategoryManifest, 0, by[idEgress],
		fmt.Sprintf("base URLs are inside egress_hosts %v", s.m.GetEgressHosts()), fixEgress))
	s.staticCredProblems = by[idCredentials]
	return nil
}

// fileName is the name the plugin was loaded under ("" for native runs).
func (s *suite) fileName() string { return s.loadName }

// checkFlowsHandled builds a valid request (the flow's first fixture, else
// a sample) for every declared flow: none may answer UNSUPPORTED.
func (s *suite) checkFlowsHandled(ctx context.Context) error {
	for _, flow := range s.declaredFlows() {
		bc, err := s.baseCase(flow)
		if err != nil {
			return err
		}
		what := flowLabel(flow.String()) + " build"
		out, f, err := s.build(ctx, s.t, &pluginv1.BuildRequestInput{Flow: flow, Request: bc.reqB, Context: bc.cc, State: bc.state}, what)
		if err != nil {
			return err
		}
		s.built[flow] = stripSecretHeaders(out.GetHttpRequest())
		var probs []string
		if p := faultProblem(what, f); p != "" {
			probs = append(probs, p)
		}
		if e := out.GetError(); f == nil && e != nil {
			switch e.GetKind() {
			case pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED:
				probs = append(probs, fmt.Sprintf("the flow is declared but build returned %s", errorText(e)))
			case pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS:
				s.dynamicCredProblems = append(s.dynamicCredProblems,
					fmt.Sprintf("%s returned %s although every declared credential field was set", what, errorText(e)))
			}
		}
		src := "a sample request"
		if bc.fixture != nil {
			src = "fixture " + bc.fixture.label()
		}
		s.report.add(result(idFlowHandled, CategoryManifest, flow, probs, "handled (built "+src+")", fixFlowHandled))
	}
	return nil
}

// payingFlows are the flows that take a payment method, in preference order.
var payingFlows = []v1.Flow{v1.Flow_FLOW_AUTHORIZE, v1.Flow_FLOW_SETUP_RECURRING, v1.Flow_FLOW_TOKENIZE, v1.Flow_FLOW_PRE_AUTHENTICATE}

// checkPaymentMethods builds the paying flow with a minimal payment method of
// every declared type: none may answer UNSUPPORTED.
func (s *suite) checkPaymentMethods(ctx context.Context) error {
	if len(s.m.GetPaymentMethods()) == 0 {
		s.report.add(skipped(idPaymentMethods, CategoryManifest, 0, "no payment methods declared"))
		return nil
	}
	flow := v1.Flow_FLOW_UNSPECIFIED
	for _, f := range payingFlows {
		if manifest.Supports(s.m, f) {
			flow = f
			break
		}
	}
	if flow == v1.Flow_FLOW_UNSPECIFIED {
		s.report.add(result(idPaymentMethods, CategoryManifest, 0,
			[]string{"payment_methods are declared but no flow that takes a payment method (Authorize, SetupRecurring, Tokenize, PreAuthenticate) is"},
			"", fixPaymentMethods))
		return nil
	}
	bc, err := s.baseCase(flow)
	if err != nil {
		return err
	}
	for _, pmt := range s.m.GetPaymentMethods() {
		c := CheckResult{}
		sample, err := paymentMethodSample(pmt)
		if err != nil {
			c = result(idPaymentMethods, CategoryManifest, flow, []string{err.Error()}, "", "Declare only payment methods of the unified API.")
		} else {
			c, err = s.paymentMethodCase(ctx, flow, bc, pmt, sample)
			if err != nil {
				return err
			}
		}
		c.PaymentMethod = pmt.String()
		s.report.add(c)
	}
	return nil
}

func (s *suite) paymentMethodCase(ctx context.Context, flow v1.Flow, bc *baseCase, pmt v1.PaymentMethodType, sample methodSample) (CheckResult, error) {
	req, err := requestWithMethod(flow, bc.request, sample)
	if err != nil {
		return CheckResult{}, err
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return CheckResult{}, fmt.Errorf("encode %v request: %w", flow, err)
	}
	what := fmt.Sprintf("%s build with %s", flowLabel(flow.String()), strings.TrimPrefix(pmt.String(), "PAYMENT_METHOD_TYPE_"))
	out, f, err := s.build(ctx, s.t, &pluginv1.BuildRequestInput{Flow: flow, Request: b, Context: bc.cc, State: bc.state}, what)
	if err != nil {
		return CheckResult{}, err
	}
	var probs []string
	if p := faultProblem(what, f); p != "" {
		probs = append(probs, p)
	}
	if e := out.GetError(); f == nil && e.GetKind() == pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED {
		probs = append(probs, fmt.Sprintf("the payment method is declared but %s returned %s", what, errorText(e)))
	}
	pass := fmt.Sprintf("handled (%s in %s)", flowLabel(flow.String()), sample.currency)
	if e := out.GetError(); e != nil && len(probs) == 0 {
		pass = fmt.Sprintf("not refused as unsupported (build answered %s for the minimal request)", e.GetKind())
	}
	return result(idPaymentMethods, CategoryManifest, flow, probs, pass, fixPaymentMethods), nil
}

// requestWithMethod is the flow's request paying with the sample method.
func requestWithMethod(flow v1.Flow, base proto.Message, sample methodSample) (proto.Message, error) {
	switch flow {
	case v1.Flow_FLOW_AUTHORIZE:
		r := authorizeRequest(sample.pm, sample.currency, sample.country)
		if b, ok := base.(*v1.PaymentServiceAuthorizeRequest); ok && b.GetMerchantTransactionId() != "" {
			r.MerchantTransactionId = b.GetMerchantTransactionId()
		}
		return r, nil
	case v1.Flow_FLOW_SETUP_RECURRING:
		r := proto.Clone(base).(*v1.PaymentServiceSetupRecurringRequest)
		r.PaymentMethod, r.Amount = sample.pm, &v1.Money{Currency: sample.currency}
		return r, nil
	case v1.Flow_FLOW_TOKENIZE:
		r := proto.Clone(base).(*v1.PaymentMethodServiceTokenizeRequest)
		r.PaymentMethod = sample.pm
		return r, nil
	case v1.Flow_FLOW_PRE_AUTHENTICATE:
		r := proto.Clone(base).(*v1.PaymentMethodAuthenticationServicePreAuthenticateRequest)
		r.PaymentMethod, r.Amount = sample.pm, sampleMoney(sample.currency)
		return r, nil
	}
	return nil, fmt.Errorf("flow %v takes no payment method", flow)
}

// secretLooking are credential names that hold secrets.
var secretLooking = []string{"key", "secret", "password", "token", "passphrase", "private"}

// checkCredentials: Validate's credential problems, fixtures using
// undeclared fields, secret-looking fields not marked secret, and builds
// failing for credentials although every declared field was set.
func (s *suite) checkCredentials(context.Context) error {
	probs := append([]string(nil), s.staticCredProblems...)
	declared := map[string]*v1.CredentialField{}
	for _, c := range s.m.GetCredentialFields() {
		declared[c.GetName()] = c
	}
	for _, f := range append(append([]*Fixture(nil), s.fixtures...), s.webhooks...) {
		var names []string
		for k := range f.Credentials {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if declared[k] == nil {
				probs = append(probs, fmt.Sprintf("fixture %s sets credential %q, which manifest.credential_fields does not declare", f.label(), k))
			}
		}
	}
	for _, c := range s.m.GetCredentialFields() {
		n := strings.ToLower(c.GetName())
		if c.GetSecret() || strings.Contains(n, "public") || strings.Contains(n, "publishable") {
			continue
		}
		for _, w := range secretLooking {
			if strings.Contains(n, w) {
				probs = append(probs, fmt.Sprintf("credential field %q looks like a secret but is not marked secret: true", c.GetName()))
				break
			}
		}
	}
	probs = append(probs, s.dynamicCredProblems...)
	var names []string
	for _, c := range s.m.GetCredentialFields() {
		names = append(names, c.GetName())
	}
	s.report.add(result(idCredentials, CategoryManifest, 0, probs,
		fmt.Sprintf("credential fields declared: %s", strings.Join(names, ", ")), fixCredentials))
	return nil
}
