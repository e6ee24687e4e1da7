package conformance

import (
	"bytes"
	"context"
	"fmt"
	"github.com/connectorhost/connector-host/abi"

	"google.golang.org/protobuf/proto"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/host/sandbox"
)

const idDeterminism = "determinism"

const fixDeterminism = "Outputs must depend only on the input: read time from pdk.Context.Now and randomness from pdk.Context.Random, never " +
	"from package time or crypto/rand; never range over a Go map to produce output (sort the keys); keep no state between calls."

// callFn runs one transform on an abi.Transformer and returns its output.
type callFn func(ctx context.Context, t abi.Transformer) (proto.Message, *sandbox.Fault, error)

// checkDeterminism repeats every fixture's calls on one instance and once on
// a second instance: every output must be byte-identical.
func (s *suite) checkDeterminism(ctx context.Context) error {
	var second abi.Transformer
	note := ""
	if s.fresh != nil {
		t, closeFn, err := s.fresh(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			s.report.add(result(idDeterminism, CategoryDeterminism, 0, []string{fmt.Sprintf("could not start a second instance: %v", err)}, "", fixDeterminism))
			return nil
		}
		defer closeFn()
		second = t
	} else {
		note = " (no second instance available: repeated calls only)"
	}
	for _, flow := range s.declaredFlows() {
		var calls []namedCall
		fs := s.fixturesFor(flow)
		if len(fs) == 0 {
			bc, err := s.baseCase(flow)
			if err != nil {
				return err
			}
			in := &pluginv1.BuildRequestInput{Flow: flow, Request: bc.reqB, Context: bc.cc, State: bc.state}
			calls = append(calls, s.buildCall("sample request build", in))
		}
		for _, f := range fs {
			fc, err := s.fixtureCalls(ctx, f)
			if err != nil {
				return err
			}
			calls = append(calls, fc...)
		}
		probs, err := s.compareRuns(ctx, calls, second)
		if err != nil {
			return err
		}
		s.report.add(result(idDeterminism, CategoryDeterminism, flow, probs,
			fmt.Sprintf("%d calls repeated %d times give identical output%s", len(calls), s.opts.Repeats+1, note), fixDeterminism))
	}
	if len(s.webhooks) > 0 {
		var calls []namedCall
		for _, f := range s.webhooks {
			in := s.webhookInput(f)
			calls = append(calls, namedCall{"webhook fixture " + f.label() + " verify", func(ctx context.Context, t abi.Transformer) (proto.Message, *sandbox.Fault, error) {
				return s.verify(ctx, t, in, "determinism: webhook "+f.label())
			}})
		}
		probs, err := s.compareRuns(ctx, calls, second)
		if err != nil {
			return err
		}
		s.report.add(forWebhooks(result(idDeterminism, CategoryDeterminism, 0, probs,
			fmt.Sprintf("%d webhook verifications repeated %d times give identical output%s", len(calls), s.opts.Repeats+1, note), fixDeterminism)))
	}
	return nil
}

type namedCall struct {
	name string
	run  callFn
}

func (s *suite) buildCall(name string, in *pluginv1.BuildRequestInput) namedCall {
	return namedCall{name, func(ctx context.Context, t abi.Transformer) (proto.Message, *sandbox.Fault, error) {
		return s.build(ctx, t, in, "determinism: "+name)
	}}
}

// fixtureCalls are a fixture's build and (when it builds) parse.
func (s *suite) fixtureCalls(ctx context.Context, f *Fixture) ([]namedCall, error) {
	reqB, err := f.requestBytes()
	if err != nil {
		return nil, err
	}
	cc := s.callContext(f)
	bin := &pluginv1.BuildRequestInput{Flow: f.flow, Request: reqB, Context: cc, State: f.state}
	calls := []namedCall{s.buildCall("fixture "+f.label()+" build", bin)}
	if f.Response == nil {
		return calls, nil
	}
	out, fault, err := s.build(ctx, s.t, bin, "determinism: fixture "+f.label()+" build")
	if err != nil || fault != nil || out.GetHttpRequest() == nil {
		return calls, err
	}
	pin := &pluginv1.ParseResponseInput{Flow: f.flow, Request: reqB, Context: cc, State: f.state,
		HttpRequest: stripSecretHeaders(out.GetHttpRequest()), HttpResponse: fixtureResponse(f.Response)}
	calls = append(calls, namedCall{"fixture " + f.label() + " parse", func(ctx context.Context, t abi.Transformer) (proto.Message, *sandbox.Fault, error) {
		return s.parse(ctx, t, pin, "determinism: fixture "+f.label()+" parse")
	}})
	return calls, nil
}

// compareRuns runs each call Repeats times on the main instance and once on
// second (when not nil) and reports outputs that differ from the first.
func (s *suite) compareRuns(ctx context.Context, calls []namedCall, second abi.Transformer) ([]string, error) {
	var probs []string
	for _, c := range calls {
		var first []byte
		var firstMsg proto.Message
		targets := make([]abi.Transformer, 0, s.opts.Repeats+1)
		for i := 0; i < s.opts.Repeats; i++ {
			targets = append(targets, s.t)
		}
		if second != nil {
			targets = append(targets, second)
		}
		for i, t := range targets {
			out, fault, err := c.run(ctx, t)
			if err != nil {
				return nil, err
			}
			if fault != nil {
				if p := faultProblem(c.name, fault); p != "" {
					probs = append(probs, p)
				}
				break
			}
			b, err := proto.MarshalOptions{Deterministic: true}.Marshal(out)
			if err != nil {
				return nil, fmt.Errorf("encode output: %w", err)
			}
			if i == 0 {
				first, firstMsg = b, out
				continue
			}
			if !bytes.Equal(first, b) {
				where := fmt.Sprintf("repeated call %d on the same instance", i+1)
				if second != nil && i == len(targets)-1 {
					where = "the same call on a second instance"
				}
				probs = append(probs, fmt.Sprintf("%s: %s differs from the first call: %s", c.name, where, outputDiff(firstMsg, out)))
				break
			}
		}
	}
	return probs, nil
}

// outputDiff shows where two outputs first differ.
func outputDiff(a, b proto.Message) string {
	ta, tb := renderOutput(a), renderOutput(b)
	i := 0
	for i < len(ta) && i < len(tb) && ta[i] == tb[i] {
		i++
	}
	from := max(0, i-30)
	return fmt.Sprintf("…%s… vs …%s…", clip(ta, from, i+50), clip(tb, from, i+50))
}

func renderOutput(m proto.Message) string {
	if o, ok := m.(*pluginv1.BuildRequestOutput); ok && o.GetHttpRequest() != nil {
		hr := o.GetHttpRequest()
		return fmt.Sprintf("%s %s %v body=%s", hr.GetMethod(), hr.GetUrl(), hr.GetHeaders(), hr.GetBody())
	}
	b, err := marshalJSON.Marshal(m)
	if err != nil {
		return fmt.Sprint(m)
	}
	return string(b)
}

func clip(s string, from, to int) string {
	if from > len(s) {
		return ""
	}
	return s[from:min(to, len(s))]
}
