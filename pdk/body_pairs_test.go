package pdk

import "testing"

func TestSetPairs(t *testing.T) {
	b := &Body{}
	b.SetPairs("pm.", "type", "scheme", "brand", "", "number", "4111")
	b.SetPairs("", "a", "1", "odd")
	_, js := b.Encode(JSONEncoded)
	if string(js) != `{"pm":{"type":"scheme","number":"4111"},"a":"1"}` {
		t.Errorf("json = %s", js)
	}
	_, form := b.Encode(FormEncoded)
	if string(form) != "pm%5Btype%5D=scheme&pm%5Bnumber%5D=4111&a=1" {
		t.Errorf("form = %s", form)
	}
}
