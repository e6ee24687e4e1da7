package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// DisputeResult is a dispute as a hand-written Parse reads it from a
// processor's answer, and the DisputeService responses it makes: what
// Braintree and Square read from their dispute objects.
type DisputeResult struct {
	// ID is the processor's dispute id; PaymentID the disputed payment's.
	ID, PaymentID string
	Status        v1.DisputeStatus
	Amount        *v1.Money
	// Reason and ReasonCode are the processor's reason (often one value
	// serves as both); Stage its stage or kind of dispute.
	Reason, ReasonCode, Stage string
	// DueBy is when evidence is due (Unix seconds), 0 when not known.
	DueBy int64
}

// GetResponse is DisputeService.Get's response. An answer about another
// dispute than req names is an IntegrityMismatch naming processor.
func (d *DisputeResult) GetResponse(processor string, req *v1.DisputeServiceGetRequest) (*v1.DisputeServiceGetResponse, error) {
	if err := SameID(processor, d.ID, req.GetConnectorDisputeId()); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceGetResponse{ConnectorDisputeId: d.ID, ConnectorTransactionId: d.PaymentID, Status: d.Status,
		Amount: d.Amount, Reason: d.Reason, ReasonCode: d.ReasonCode, EvidenceDueByUnix: d.DueBy, Stage: d.Stage}, nil
}

// AcceptResponse is DisputeService.Accept's response: the dispute's status
// after the accept. An answer about another dispute is an IntegrityMismatch.
func (d *DisputeResult) AcceptResponse(processor string, req *v1.DisputeServiceAcceptRequest) (*v1.DisputeServiceAcceptResponse, error) {
	if err := SameID(processor, d.ID, req.GetConnectorDisputeId()); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceAcceptResponse{ConnectorDisputeId: d.ID, Status: d.Status}, nil
}

// DefendResponse is DisputeService.Defend's response: the dispute's status
// after the defense. An answer about another dispute is an
// IntegrityMismatch.
func (d *DisputeResult) DefendResponse(processor string, req *v1.DisputeServiceDefendRequest) (*v1.DisputeServiceDefendResponse, error) {
	if err := SameID(processor, d.ID, req.GetConnectorDisputeId()); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceDefendResponse{ConnectorDisputeId: d.ID, Status: d.Status}, nil
}

// Event is the dispute as a webhook event's payload.
func (d *DisputeResult) Event() *v1.DisputeEvent {
	return &v1.DisputeEvent{ConnectorDisputeId: d.ID, ConnectorTransactionId: d.PaymentID, Status: d.Status, Amount: d.Amount,
		Reason: d.Reason, ReasonCode: d.ReasonCode, EvidenceDueByUnix: d.DueBy, Stage: d.Stage}
}
