package braintree

import (
	"time"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// disputeSelection is what every dispute answer selects.
const disputeSelection = "id status type caseNumber reason replyByDate amountDisputed { value currencyCode } transaction { id }"

// buildDisputeGet builds the node query of a Dispute.
func buildDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return node(c, "connector_dispute_id", req.GetConnectorDisputeId(), "Dispute", disputeSelection)
}

// buildDisputeAccept builds acceptDispute (only OPEN disputes can be accepted).
func buildDisputeAccept(c *pdk.Context, req *v1.DisputeServiceAcceptRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorDisputeId() == "" {
		return nil, pdk.InvalidRequest("connector_dispute_id", "is required")
	}
	if err := reference("merchant_request_id", req.GetMerchantRequestId()); err != nil {
		return nil, err
	}
	return mutation(c, "acceptDispute", "AcceptDisputeInput", "dispute { "+disputeSelection+" }",
		firstNonEmpty(req.GetMerchantRequestId(), req.GetConnectorDisputeId()), func(o *jsonw.Object) {
			o.StringIf("clientMutationId", req.GetMerchantRequestId())
			o.String("disputeId", req.GetConnectorDisputeId())
		})
}

// dispute is a parsed Braintree Dispute.
type dispute struct {
	id, transactionID, reason, kind string
	status                          v1.DisputeStatus
	amount                          *v1.Money
	dueBy                           int64
}

func disputeFrom(o *fastjson.Value) (*dispute, error) {
	if o == nil || o.Type() != fastjson.TypeObject || jsonr.Str(o, "id") == "" {
		return nil, pdk.InvalidResponse("Braintree's answer has no dispute with an id")
	}
	d := &dispute{id: jsonr.Str(o, "id"), transactionID: jsonr.Str(o, "transaction", "id"), reason: jsonr.Str(o, "reason"),
		kind: jsonr.Str(o, "type"), status: disputeStatuses().Get(jsonr.Str(o, "status"))}
	var err error
	if d.amount, err = moneyAt(o, "amountDisputed"); err != nil {
		return nil, err
	}
	if t, err := time.Parse(time.DateOnly, jsonr.Str(o, "replyByDate")); err == nil {
		d.dueBy = t.Unix()
	}
	return d, nil
}

func parseDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest, res *pdk.Response) (*v1.DisputeServiceGetResponse, error) {
	p, err := payload(res, "node")
	if err != nil {
		return nil, err
	}
	d, err := disputeFrom(p)
	if err != nil {
		return nil, err
	}
	if err := sameID(d.id, req.GetConnectorDisputeId()); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceGetResponse{ConnectorDisputeId: d.id, ConnectorTransactionId: d.transactionID, Status: d.status,
		Amount: d.amount, Reason: d.reason, ReasonCode: d.reason, EvidenceDueByUnix: d.dueBy, Stage: d.kind}, nil
}

func parseDisputeAccept(c *pdk.Context, req *v1.DisputeServiceAcceptRequest, res *pdk.Response) (*v1.DisputeServiceAcceptResponse, error) {
	p, err := payload(res, "acceptDispute")
	if err != nil {
		return nil, err
	}
	d, err := disputeFrom(p.Get("dispute"))
	if err != nil {
		return nil, err
	}
	if err := sameID(d.id, req.GetConnectorDisputeId()); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceAcceptResponse{ConnectorDisputeId: d.id, Status: d.status}, nil
}
