package pdk

import (
	"testing"
)

func TestCustomerCreated(t *testing.T) {
	out := CustomerCreated("cus_1")
	if out.GetConnectorCustomerId() != "cus_1" || out.GetState().GetConnectorCustomerId() != "cus_1" {
		t.Errorf("CustomerCreated: %v", out)
	}
}
