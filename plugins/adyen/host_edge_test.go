//go:build !wasip1

package adyen_test

import (
	"context"
	"net/http"
	"testing"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/plugins/adyen"
)

// The API edge with the Adyen plugin in a real host. Nothing here calls
// Adyen, so it runs without the spec fake (and ../shared/oracles).
func TestHostEdge(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the .wasm and starts a host: skipped with -short")
	}
	base := serveAdyen(t, "https://checkout-test.adyen.com/v71") // never called
	t.Run("mixed batch is all or nothing", func(t *testing.T) { testMixedBatch(t, base) })
	t.Run("plugin errors name fields in the caller's spelling", func(t *testing.T) { testFieldSpelling(t, base) })
}

// An Adyen notification batch may mix kinds (AUTHORISATION and REFUND).
// Its "[accepted]" acknowledgement covers the whole batch: a caller that
// returns it after handling only some events loses the others for good.
// So every HandleEvent returns every event or refuses the batch without an
// acknowledgement.
func testMixedBatch(t *testing.T, base string) {
	ctx := context.Background()
	body := adyen.SignNotification(t, adyen.TestHMACKey, notificationItems()...)
	hook := &v1.WebhookRequest{Method: http.MethodPost, Url: "https://merchant.example/webhooks/adyen",
		Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}}, Body: body}
	creds := map[string]string{"hmac_key": adyen.TestHMACKey}

	events := connectorhostv1connect.NewEventServiceClient(http.DefaultClient, base)
	out, err := events.HandleEvent(ctx, adyenCall(t, &v1.EventServiceHandleEventRequest{Webhook: hook}, creds))
	if err != nil {
		t.Fatal(err)
	}
	if evs := out.Msg.GetEvents(); len(evs) != 2 || evs[0].GetKind() != v1.EventKind_EVENT_KIND_PAYMENT || evs[1].GetKind() != v1.EventKind_EVENT_KIND_REFUND {
		t.Fatalf("EventService events = %v, want the payment and the refund", evs)
	}
	if string(out.Msg.GetAcknowledgement().GetBody()) != "[accepted]" {
		t.Fatalf("EventService ack = %v", out.Msg.GetAcknowledgement())
	}

	payments := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, base)
	pres, err := payments.HandleEvent(ctx, adyenCall(t, &v1.PaymentServiceHandleEventRequest{Webhook: hook}, creds))
	if pres != nil {
		t.Fatalf("PaymentService answered %v (ack %v): the refund would be acknowledged unseen", pres.Msg.GetEvents(), pres.Msg.GetAcknowledgement())
	}
	wantConnectError(t, err, connect.CodeFailedPrecondition, "refund", "EventService.HandleEvent", "nothing was acknowledged")

	refunds := connectorhostv1connect.NewRefundServiceClient(http.DefaultClient, base)
	_, err = refunds.HandleEvent(ctx, adyenCall(t, &v1.RefundServiceHandleEventRequest{Webhook: hook}, creds))
	wantConnectError(t, err, connect.CodeFailedPrecondition, "payment", "EventService.HandleEvent")

	// A batch of one kind is answered whole, with its ack.
	single := adyen.SignNotification(t, adyen.TestHMACKey, notificationItems()[1])
	rres, err := refunds.HandleEvent(ctx, adyenCall(t, &v1.RefundServiceHandleEventRequest{Webhook: &v1.WebhookRequest{
		Method: http.MethodPost, Url: hook.Url, Headers: hook.Headers, Body: single}}, creds))
	if err != nil {
		t.Fatal(err)
	}
	if evs := rres.Msg.GetEvents(); len(evs) != 1 || evs[0].GetKind() != v1.EventKind_EVENT_KIND_REFUND || string(rres.Msg.GetAcknowledgement().GetBody()) != "[accepted]" {
		t.Fatalf("RefundService = %v", rres.Msg)
	}
}

// The plugin refuses a missing return_url; a JSON caller reads the name it
// writes (returnUrl), a protobuf caller the proto name.
func testFieldSpelling(t *testing.T, base string) {
	msg := &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: "order_no_return", Amount: &v1.Money{MinorAmount: 1000, Currency: "EUR"},
		PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "8415995487234100"}}},
		Customer:      &v1.Customer{Id: "shopper_42"},
	}
	creds := map[string]string{"api_key": "AQE_test_key_123", "merchant_account": adyen.TestMerchant}
	jsonClient := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, base, connect.WithProtoJSON())
	_, err := jsonClient.Authorize(context.Background(), adyenCall(t, msg, creds))
	wantConnectError(t, err, connect.CodeInvalidArgument, "adyen: returnUrl: is required")
	protoClient := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, base)
	_, err = protoClient.Authorize(context.Background(), adyenCall(t, msg, creds))
	wantConnectError(t, err, connect.CodeInvalidArgument, "adyen: return_url: is required")
}
