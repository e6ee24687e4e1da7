package braintree

import (
	"cmp"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// buildCreateCustomer builds createCustomer.
func buildCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest) (*pluginv1.HttpRequest, error) {
	cu := req.GetCustomer()
	first, last := pdk.NameParts(cu.GetName())
	if first == "" && cu.GetEmail() == "" && cu.GetPhone() == "" {
		return nil, pdk.InvalidRequest("customer", "needs a name, email or phone")
	}
	id := cmp.Or(req.GetMerchantRequestId(), cu.GetId())
	if err := reference("merchant_request_id", id); err != nil {
		return nil, err
	}
	return mutation(c, "createCustomer", "CreateCustomerInput", "customer { id }", cmp.Or(id, hexRandom(c)), func(o *jsonw.Object) {
		o.StringIf("clientMutationId", id)
		o.Object("customer", func(w *jsonw.Object) {
			w.StringIf("firstName", first)
			w.StringIf("lastName", last)
			w.StringIf("email", cu.GetEmail())
			w.StringIf("phoneNumber", cu.GetPhone())
		})
	})
}

func parseCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest, res *pdk.Response) (*v1.CustomerServiceCreateResponse, error) {
	p, err := payload(res, "createCustomer")
	if err != nil {
		return nil, err
	}
	id := jsonr.Str(p, "customer", "id")
	if id == "" {
		return nil, pdk.InvalidResponse("Braintree's createCustomer answer has no customer id")
	}
	return pdk.CustomerCreated(id), nil
}

// vaultSelection is what vaultPaymentMethod answers select.
const vaultSelection = "paymentMethod { id usage customer { id } details { __typename " +
	"... on CreditCardDetails { brandCode last4 expirationMonth expirationYear } } } " +
	"verification { id status processorResponse { legacyCode message } }"

// vault builds vaultPaymentMethod: the single-use nonce becomes a multi-use
// payment method (cards are verified by default).
func vault(c *pdk.Context, merchantID string, pm *v1.PaymentMethod, customerID string) (*pluginv1.HttpRequest, error) {
	nonce, err := paymentMethodID(pm)
	if err != nil {
		return nil, err
	}
	if err := reference("merchant_request_id", merchantID); err != nil {
		return nil, err
	}
	return mutation(c, "vaultPaymentMethod", "VaultPaymentMethodInput", vaultSelection, cmp.Or(merchantID, nonce), func(o *jsonw.Object) {
		o.StringIf("clientMutationId", merchantID)
		o.String("paymentMethodId", nonce)
		o.StringIf("customerId", customerID)
	})
}

// buildTokenize vaults the payment method.
func buildTokenize(c *pdk.Context, req *v1.PaymentMethodServiceTokenizeRequest) (*pluginv1.HttpRequest, error) {
	return vault(c, req.GetMerchantRequestId(), req.GetPaymentMethod(),
		cmp.Or(req.GetCustomer().GetConnectorCustomerId(), c.State.GetConnectorCustomerId()))
}

// buildSetupRecurring vaults the payment method for merchant-initiated
// charges. Braintree vaults without charging, so the amount must be 0.
func buildSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest) (*pluginv1.HttpRequest, error) {
	if req.GetMerchantSetupId() == "" {
		return nil, pdk.InvalidRequest("merchant_setup_id", "is required (Braintree clientMutationId)")
	}
	if _, err := decimal("amount", req.GetAmount(), true); err != nil {
		return nil, err
	}
	if req.GetAmount().GetMinorAmount() != 0 {
		return nil, pdk.InvalidRequest("amount", "must be 0: Braintree vaults a payment method without charging it; charge it with RecurringPaymentService.Charge")
	}
	return vault(c, req.GetMerchantSetupId(), req.GetPaymentMethod(),
		cmp.Or(req.GetCustomer().GetConnectorCustomerId(), c.State.GetConnectorCustomerId()))
}

// vaulted is a parsed vaultPaymentMethod answer.
type vaulted struct {
	id, customerID, last4, brand string
	expMonth, expYear            int64
	// pending: the verification has not finished (VerificationStatus
	// PENDING or VERIFYING); the payment method is vaulted but not yet
	// verified.
	pending bool
	err     *v1.PaymentError
}

// verificationPending reports whether a VerificationStatus is one whose
// outcome is still to come: PENDING ("the verification is pending") and
// VERIFYING ("in the process of verifying") in Braintree's GraphQL schema.
// FAILED, GATEWAY_REJECTED and PROCESSOR_DECLINED are the unsuccessful ones.
func verificationPending(status string) bool { return status == "PENDING" || status == "VERIFYING" }

func readVaulted(res *pdk.Response) (*vaulted, error) {
	p, err := payload(res, "vaultPaymentMethod")
	if err != nil {
		return nil, err
	}
	v := &vaulted{id: jsonr.Str(p, "paymentMethod", "id"), customerID: jsonr.Str(p, "paymentMethod", "customer", "id"),
		last4: jsonr.Str(p, "paymentMethod", "details", "last4"), brand: jsonr.Str(p, "paymentMethod", "details", "brandCode")}
	status := jsonr.Str(p, "verification", "status")
	v.pending = verificationPending(status)
	if status != "" && status != "VERIFIED" && !v.pending {
		ge := gqlError{legacyCode: jsonr.Str(p, "verification", "processorResponse", "legacyCode"),
			message: jsonr.Str(p, "verification", "processorResponse", "message"), class: status}
		v.err = declineError(ge, res.Status)
		return v, nil
	}
	if v.id == "" {
		return nil, pdk.InvalidResponse("Braintree's vaultPaymentMethod answer has no paymentMethod id")
	}
	v.expMonth, _ = parseInt(jsonr.Str(p, "paymentMethod", "details", "expirationMonth"))
	v.expYear, _ = parseInt(jsonr.Str(p, "paymentMethod", "details", "expirationYear"))
	return v, nil
}

// parseTokenize reads the vaulted payment method. One whose verification is
// still pending (PENDING, VERIFYING) is vaulted and is returned: Braintree
// finishes verifying it later; only an unsuccessful verification is an error.
func parseTokenize(c *pdk.Context, req *v1.PaymentMethodServiceTokenizeRequest, res *pdk.Response) (*v1.PaymentMethodServiceTokenizeResponse, error) {
	v, err := readVaulted(res)
	if err != nil {
		return nil, err
	}
	if v.err != nil {
		return nil, &pdk.Error{Kind: pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, Message: "Braintree did not verify the payment method: " + v.err.GetMessage(), Detail: v.err}
	}
	out := &v1.PaymentMethodServiceTokenizeResponse{PaymentMethodToken: v.id, CardLast4: v.last4, CardNetwork: pdk.CardNetworkNamed(v.brand),
		CardExpMonth: int32(v.expMonth), CardExpYear: int32(v.expYear)}
	out.State = pdk.CustomerState(v.customerID)
	return out, nil
}

func parseSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest, res *pdk.Response) (*v1.PaymentServiceSetupRecurringResponse, error) {
	v, err := readVaulted(res)
	if err != nil {
		return nil, err
	}
	if v.err != nil {
		return &v1.PaymentServiceSetupRecurringResponse{Status: v1.MandateStatus_MANDATE_STATUS_FAILED, Error: v.err}, nil
	}
	status := v1.MandateStatus_MANDATE_STATUS_ACTIVE
	if v.pending {
		status = v1.MandateStatus_MANDATE_STATUS_PENDING
	}
	out := &v1.PaymentServiceSetupRecurringResponse{ConnectorSetupId: v.id, Status: status,
		Mandate: &v1.MandateReference{ConnectorMandateId: v.id, ConnectorCustomerId: v.customerID, Status: status}}
	out.State = pdk.CustomerState(v.customerID)
	return out, nil
}

// hexRandom is the host's random bytes in hex: the key of a create call the
// caller gave no id for, reused by the host's retries of this call.
func hexRandom(c *pdk.Context) string { return hexstr.EncodeToString(c.Random()) }
