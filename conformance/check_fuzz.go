package conformance

import (
	"context"
	"fmt"
	"math/rand/v2"

	"google.golang.org/protobuf/proto"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Fuzz check IDs.
const (
	idFuzzParse  = "fuzz.parse_response"
	idFuzzVerify = "fuzz.verify_webhook"
)

const fixFuzz = "A transform must survive any input: bound-check slices, check every JSON lookup and type, avoid recursion on input depth, " +
	"and return a typed error (pdk.InvalidResponse) or a rejection instead of panicking. Reproduce with the input in the details."

// maxFuzzBody caps mutated inputs.
const maxFuzzBody = 64 << 10

// mutator mutates b in place or returns a new slice.
type mutator func(rng *rand.Rand, b []byte) []byte

var interestingBytes = []byte(`"{}[],:\-09e.` + "\x00\xff")

var interestingTexts = [][]byte{
	[]byte("99999999999999999999999999"), []byte("-1"), []byte("1e309"), []byte("null"), []byte(`"\ud800"`),
	[]byte("\xff\xfe"), []byte(`{"a":`), []byte("[[[[[[[["), []byte(`"status":"` + unknownStatus + `"`),
}

// mutators are the byte-level mutations the fuzz check applies.
var mutators = []mutator{
	func(rng *rand.Rand, b []byte) []byte { // flip a bit
		if len(b) == 0 {
			return b
		}
		b[rng.IntN(len(b))] ^= 1 << rng.IntN(8)
		return b
	},
	func(rng *rand.Rand, b []byte) []byte { // set an interesting byte
		if len(b) == 0 {
			return b
		}
		b[rng.IntN(len(b))] = interestingBytes[rng.IntN(len(interestingBytes))]
		return b
	},
	func(rng *rand.Rand, b []byte) []byte { // delete a range
		if len(b) < 2 {
			return b
		}
		i := rng.IntN(len(b))
		j := min(len(b), i+1+rng.IntN(16))
		return append(b[:i], b[j:]...)
	},
	func(rng *rand.Rand, b []byte) []byte { // duplicate a range
		if len(b) == 0 {
			return b
		}
		i := rng.IntN(len(b))
		j := min(len(b), i+1+rng.IntN(32))
		chunk := append([]byte(nil), b[i:j]...)
		return append(b[:j], append(chunk, b[j:]...)...)
	},
	func(rng *rand.Rand, b []byte) []byte { // truncate
		if len(b) == 0 {
			return b
		}
		return b[:rng.IntN(len(b))]
	},
	func(rng *rand.Rand, b []byte) []byte { // insert an interesting text
		i := 0
		if len(b) > 0 {
			i = rng.IntN(len(b))
		}
		t := interestingTexts[rng.IntN(len(interestingTexts))]
		return append(b[:i], append(append([]byte(nil), t...), b[i:]...)...)
	},
}

// Mutate applies 1 to 4 random byte-level mutations (bit flips, interesting
// bytes, deleted, duplicated or truncated ranges, inserted edge-case texts)
// to a copy of b. The suite's fuzz check uses it; plugin tests may too.
func Mutate(rng *rand.Rand, b []byte) []byte {
	out := append([]byte(nil), b...)
	for n := 1 + rng.IntN(4); n > 0; n-- {
		out = mutators[rng.IntN(len(mutators))](rng, out)
	}
	if len(out) > maxFuzzBody {
		out = out[:maxFuzzBody]
	}
	return out
}

// checkFuzz parses mutated fixture answers and verifies mutated webhooks, a
// bounded number of times: no input may trap (or exceed the limits).
func (s *suite) checkFuzz(ctx context.Context) error {
	if s.opts.FuzzIterations == 0 {
		s.report.add(skipped(idFuzzParse, CategoryFuzz, 0, "disabled (FuzzIterations < 0)"))
		return nil
	}
	rng := rand.New(rand.NewPCG(s.opts.Seed, 0x636f6e66))
	parseBudget := s.opts.FuzzIterations
	if len(s.webhooks) > 0 {
		parseBudget = s.opts.FuzzIterations * 3 / 4
	}
	flows := s.declaredFlows()
	per := max(4, parseBudget/max(1, len(flows)))
	for _, flow := range flows {
		if err := s.fuzzParse(ctx, rng, flow, per); err != nil {
			return err
		}
	}
	if len(s.webhooks) > 0 {
		return s.fuzzVerify(ctx, rng, max(4, s.opts.FuzzIterations-parseBudget))
	}
	return nil
}

func (s *suite) fuzzParse(ctx context.Context, rng *rand.Rand, flow v1.Flow, n int) error {
	bc, err := s.baseCase(flow)
	if err != nil {
		return err
	}
	hr, err := s.builtRequest(ctx, flow, bc)
	if err != nil {
		return err
	}
	corpus := [][]byte{[]byte(genericErrorBody)}
	statuses := []int32{200, 400, 500}
	for _, f := range s.fixturesFor(flow) {
		if f.Response != nil && len(f.Response.Bytes()) > 0 {
			corpus = append(corpus, f.Response.Bytes())
			statuses = append(statuses, int32(f.Response.Status))
		}
	}
	var probs []string
	for i := 0; i < n; i++ {
		body := Mutate(rng, corpus[i%len(corpus)])
		status := statuses[rng.IntN(len(statuses))]
		in := &pluginv1.ParseResponseInput{Flow: flow, Request: bc.reqB, Context: bc.cc, State: bc.state, HttpRequest: hr,
			HttpResponse: &pluginv1.HttpResponse{Status: status, Body: body, Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}}}}
		_, fault, err := s.parse(ctx, s.t, in, fmt.Sprintf("fuzz %s parse #%d", flowLabel(flow.String()), i))
		if err != nil {
			return err
		}
		if p := faultProblem(fmt.Sprintf("HTTP %d body %q", status, short(string(body), 400)), fault); p != "" {
			probs = append(probs, p)
		}
	}
	s.report.add(result(idFuzzParse, CategoryFuzz, flow, probs, fmt.Sprintf("%d mutated answers parsed without a trap", n), fixFuzz))
	return nil
}

func (s *suite) fuzzVerify(ctx context.Context, rng *rand.Rand, n int) error {
	var probs []string
	for i := 0; i < n; i++ {
		f := s.webhooks[i%len(s.webhooks)]
		in := proto.Clone(s.webhookInput(f)).(*pluginv1.VerifyWebhookInput)
		in.Webhook.Body = Mutate(rng, in.Webhook.Body)
		if rng.IntN(3) == 0 && len(in.Webhook.Headers) > 0 {
			h := in.Webhook.Headers[rng.IntN(len(in.Webhook.Headers))]
			h.Value = string(Mutate(rng, []byte(h.GetValue())))
		}
		_, fault, err := s.verify(ctx, s.t, in, fmt.Sprintf("fuzz verify #%d", i))
		if err != nil {
			return err
		}
		if p := faultProblem(fmt.Sprintf("body %q, headers %v", short(string(in.Webhook.Body), 400), in.Webhook.Headers), fault); p != "" {
			probs = append(probs, p)
		}
	}
	s.report.add(forWebhooks(result(idFuzzVerify, CategoryFuzz, 0, probs, fmt.Sprintf("%d mutated webhooks verified without a trap", n), fixFuzz)))
	return nil
}
