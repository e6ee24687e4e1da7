package pdk

import (
	"errors"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
)

func TestErrorAnswerOf(t *testing.T) {
	answer := ErrorAnswerOf(func(res *Response) error {
		if res.Status == 418 {
			return errors.New("not a typed error")
		}
		return Errorf(pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, "HTTP %d", res.Status)
	})
	e, decline := answer(&Response{Status: 429}, nil)
	if e == nil || e.Kind != pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED || decline {
		t.Errorf("ErrorAnswerOf: %v, %v", e, decline)
	}
	if e, decline := answer(&Response{Status: 418}, nil); e != nil || decline {
		t.Errorf("an untyped error reads as none: %v, %v", e, decline)
	}
}
