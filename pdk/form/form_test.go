package form

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNestedKeysAndOrder(t *testing.T) {
	f := New()
	f.SetInt("amount", 1000).Set("currency", "usd")
	card := f.Nest("payment_method_data").Nest("card")
	card.Set("number", "4242424242424242").SetInt("exp_month", 12)
	f.Nest("metadata").Set("order id", "a&b=c")
	f.Nest("expand").Append("latest_charge").Append("customer")
	f.Nest("items").Index(1).Set("price", "p_1")
	f.SetIf("description", "")

	body := string(f.Encode())
	assert.Equal(t, "amount=1000&currency=usd"+
		"&payment_method_data%5Bcard%5D%5Bnumber%5D=4242424242424242"+
		"&payment_method_data%5Bcard%5D%5Bexp_month%5D=12"+
		"&metadata%5Border+id%5D=a%26b%3Dc"+
		"&expand%5B%5D=latest_charge&expand%5B%5D=customer"+
		"&items%5B1%5D%5Bprice%5D=p_1", body)

	parsed, err := url.ParseQuery(body)
	require.NoError(t, err)
	assert.Equal(t, "a&b=c", parsed.Get("metadata[order id]"))
	assert.Equal(t, []string{"latest_charge", "customer"}, parsed["expand[]"])
	v, ok := f.Get("payment_method_data[card][exp_month]")
	assert.True(t, ok)
	assert.Equal(t, "12", v)
	assert.Equal(t, 8, f.Len())
}
