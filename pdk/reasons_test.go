package pdk

import "testing"

func TestReasonsMatch(t *testing.T) {
	rs := Reasons{
		{Value: "fraudulent", Words: []string{"fraud"}},
		{Value: "duplicate", Words: []string{"duplicate", "twice"}},
		{Value: "requested_by_customer", Words: []string{"customer", "timed out"}},
	}
	for text, want := range map[string]string{
		"":                             "",
		"   ":                          "",
		"fraudulent":                   "fraudulent",
		"Suspected FRAUD":              "fraudulent",
		"charged twice":                "duplicate",
		"the session timed out":        "requested_by_customer",
		"customer fraud":               "fraudulent", // the first reason wins
		"requested_by_customer":        "requested_by_customer",
		"something nobody anticipated": "",
	} {
		if got := rs.Match(text); got != want {
			t.Errorf("Match(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestReasonsExact(t *testing.T) {
	rs := Reasons{
		{Value: "fraudulent", Words: []string{"fraud"}, Exact: true},
		{Value: "requested_by_customer", Words: []string{"customer"}},
	}
	for text, want := range map[string]string{
		"fraud":                         "fraudulent",
		" Fraudulent ":                  "fraudulent",
		"FRAUD":                         "fraudulent",
		"customer says it is not fraud": "requested_by_customer", // a mention is not the reason
		"fraud on the card":             "",
	} {
		if got := rs.Match(text); got != want {
			t.Errorf("Match(%q) = %q, want %q", text, got, want)
		}
	}
}
