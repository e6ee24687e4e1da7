package pdk

import "testing"

func TestRedirectAction(t *testing.T) {
	r := RedirectAction("https://hooks.example/3ds").GetRedirect()
	if r.GetUrl() != "https://hooks.example/3ds" || r.GetMethod() != "GET" || len(r.GetFormFields()) != 0 {
		t.Errorf("RedirectAction = %v", r)
	}
}
