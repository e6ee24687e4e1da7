package pdk

import (
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"google.golang.org/protobuf/proto"
)

func TestAnswerFailure(t *testing.T) {
	a := &Answer{Res: &Response{Status: 200, Headers: []*v1.HttpHeader{{Name: "Request-Id", Value: "req_1"}}}}
	got := a.Failure(v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS, "insufficient_funds", "payout failed", "Request-Id")
	want := &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS, Message: "payout failed",
		Connector: &v1.ConnectorError{Code: "insufficient_funds", Message: "payout failed", HttpStatus: 200, RequestId: "req_1"}}
	if !proto.Equal(got, want) {
		t.Errorf("Failure = %v, want %v", got, want)
	}
	// An object read with NewAnswer (a webhook's) has no HTTP answer: 200, no request id.
	got = NewAnswer(nil, nil).Failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, "", "failed", "Request-Id")
	if got.GetConnector().GetHttpStatus() != 200 || got.GetConnector().GetRequestId() != "" {
		t.Errorf("without an HTTP answer: %v", got)
	}
}
