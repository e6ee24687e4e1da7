package executor

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"connectrpc.com/connect"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/credentials"
)

// rejectionCodes maps a webhook rejection to the Connect code callers see.
var rejectionCodes = map[pluginv1.RejectionReason]connect.Code{
	pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE:   connect.CodeUnauthenticated,
	pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE: connect.CodeUnauthenticated,
	pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH:  connect.CodeUnauthenticated,
	pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP:     connect.CodeUnauthenticated,
	pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY:      connect.CodeInvalidArgument,
	pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET:      connect.CodeFailedPrecondition,
}

// Webhook verifies a processor's webhook with the connector's plugin and
// returns its normalized events and the acknowledgement the processor expects.
// A webhook that fails verification is an error, never events.
func (x *Executor) Webhook(ctx context.Context, call Call, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	start := time.Now()
	s, release, err := x.open(ctx, call, true)
	if err != nil {
		return nil, err
	}
	defer release()
	if !s.m.GetWebhooks().GetSupported() {
		return nil, connect.NewError(connect.CodeUnimplemented, fmt.Errorf("connector %q does not support webhooks", call.Connector))
	}
	out, err := s.verifyWebhook(ctx, w)
	if err != nil {
		return nil, s.redact(err)
	}
	var res *pluginv1.VerifiedWebhook
	switch r := out.GetResult().(type) {
	case *pluginv1.VerifyWebhookOutput_NeedDocuments:
		err = connect.NewError(connect.CodeInternal, fmt.Errorf("connector %q asked for documents %q again after the host gave them; refused", call.Connector, r.NeedDocuments.GetUrls()))
	case *pluginv1.VerifyWebhookOutput_Rejection:
		code, ok := rejectionCodes[r.Rejection.GetReason()]
		if !ok {
			code = connect.CodeUnauthenticated
		}
		err = connect.NewError(code, fmt.Errorf("%s: webhook rejected (%s): %s", call.Connector, r.Rejection.GetReason(), r.Rejection.GetMessage()))
	case *pluginv1.VerifyWebhookOutput_Error:
		err = pluginError(call.Connector, r.Error)
	case *pluginv1.VerifyWebhookOutput_Verified:
		res = r.Verified
		if res.GetAcknowledgement() == nil {
			res.Acknowledgement = &v1.Acknowledgement{Status: 200}
		}
		err = s.checkNoSecrets(res)
	default:
		err = connect.NewError(connect.CodeInternal, fmt.Errorf("connector %q: verify_webhook returned nothing", call.Connector))
	}
	x.log.LogAttrs(ctx, slog.LevelInfo, "webhook",
		slog.String("request_id", call.RequestID), slog.String("connector", call.Connector),
		slog.Int("events", len(res.GetEvents())), slog.Duration("duration", time.Since(start)), slog.String("code", codeOf(err)))
	if err != nil {
		return nil, s.redact(err)
	}
	return res, nil
}

// verifyWebhook runs verify_webhook and, when the plugin answers
// NeedDocuments, fetches the documents (allowlisted, size-capped, cached)
// and runs it once more with them.
func (s *session) verifyWebhook(ctx context.Context, w *v1.WebhookRequest) (*pluginv1.VerifyWebhookOutput, error) {
	in := &pluginv1.VerifyWebhookInput{Webhook: w, Context: s.cc}
	var out *pluginv1.VerifyWebhookOutput
	run := func(ctx context.Context) (err error) {
		out, err = s.plugin.VerifyWebhook(ctx, in)
		return err
	}
	if err := s.traced(ctx, abi.ExportVerifyWebhook, "webhook", run); err != nil {
		return nil, err
	}
	need := out.GetNeedDocuments()
	if need == nil {
		return out, nil
	}
	docs, err := s.fetchDocuments(ctx, need)
	if err != nil {
		return nil, err
	}
	in.Documents = docs
	if err := s.traced(ctx, abi.ExportVerifyWebhook, "webhook", run); err != nil {
		return nil, err
	}
	return out, nil
}

// ParseWebhook reads a webhook with the connector's plugin WITHOUT
// credentials and WITHOUT verifying it (EventService.ParseEvent): the event
// types and the ids the payload names, so a caller serving many accounts can
// choose the secret to verify it with. The plugin is given no credentials,
// whatever the caller sent.
func (x *Executor) ParseWebhook(ctx context.Context, call Call, w *v1.WebhookRequest) (*pluginv1.ParsedWebhook, error) {
	start := time.Now()
	call.Source = credentials.Source{Environment: call.Source.Environment, None: true}
	s, release, err := x.open(ctx, call, true)
	if err != nil {
		return nil, err
	}
	defer release()
	if !s.m.GetWebhooks().GetParseSupported() {
		return nil, connect.NewError(connect.CodeUnimplemented, fmt.Errorf("connector %q cannot parse webhooks without credentials (its manifest does not set webhooks.parse_supported); use EventService.HandleEvent", call.Connector))
	}
	var out *pluginv1.VerifyWebhookOutput
	err = s.traced(ctx, abi.ExportVerifyWebhook, "parse_webhook", func(ctx context.Context) (err error) {
		out, err = s.plugin.VerifyWebhook(ctx, &pluginv1.VerifyWebhookInput{Webhook: w, Context: s.cc, ParseOnly: true})
		return err
	})
	if err != nil {
		return nil, s.redact(err)
	}
	var res *pluginv1.ParsedWebhook
	switch r := out.GetResult().(type) {
	case *pluginv1.VerifyWebhookOutput_Parsed:
		res = r.Parsed
	case *pluginv1.VerifyWebhookOutput_Rejection:
		err = connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("%s: webhook not readable (%s): %s", call.Connector, r.Rejection.GetReason(), r.Rejection.GetMessage()))
	case *pluginv1.VerifyWebhookOutput_Error:
		err = pluginError(call.Connector, r.Error)
	case *pluginv1.VerifyWebhookOutput_NeedDocuments:
		err = connect.NewError(connect.CodeInternal, fmt.Errorf("connector %q: asked to parse a webhook, the plugin asked for documents; the host never fetches to parse", call.Connector))
	case *pluginv1.VerifyWebhookOutput_Verified:
		err = connect.NewError(connect.CodeInternal, fmt.Errorf("connector %q: asked to parse a webhook, the plugin claimed to verify it without credentials; refused", call.Connector))
	default:
		err = connect.NewError(connect.CodeInternal, fmt.Errorf("connector %q: verify_webhook (parse only) returned nothing", call.Connector))
	}
	x.log.LogAttrs(ctx, slog.LevelInfo, "parse webhook",
		slog.String("request_id", call.RequestID), slog.String("connector", call.Connector),
		slog.Int("events", len(res.GetEvents())), slog.Duration("duration", time.Since(start)), slog.String("code", codeOf(err)))
	if err != nil {
		return nil, s.redact(err)
	}
	return res, nil
}
