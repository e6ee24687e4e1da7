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
