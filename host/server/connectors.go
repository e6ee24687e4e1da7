package server

import (
	"context"
	"fmt"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/registry"
)

// connectorService implements ConnectorService from the registry.
type connectorService struct{ s *Server }

// ListConnectors lists every connector the host knows.
func (h *connectorService) ListConnectors(ctx context.Context, req *connect.Request[v1.ConnectorServiceListConnectorsRequest]) (*connect.Response[v1.ConnectorServiceListConnectorsResponse], error) {
	out := &v1.ConnectorServiceListConnectorsResponse{}
	for _, info := range h.s.opts.Registry.List() {
		out.Connectors = append(out.Connectors, h.s.connectorInfo(info))
	}
	return connect.NewResponse(out), nil
}

// GetConnector describes one connector.
func (h *connectorService) GetConnector(ctx context.Context, req *connect.Request[v1.ConnectorServiceGetConnectorRequest]) (*connect.Response[v1.ConnectorServiceGetConnectorResponse], error) {
	info, ok := h.s.opts.Registry.Get(req.Msg.GetName())
	if !ok {
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("connector %q is not loaded on this host", req.Msg.GetName()))
	}
	return connect.NewResponse(&v1.ConnectorServiceGetConnectorResponse{Connector: h.s.connectorInfo(info)}), nil
}

func (s *Server) connectorInfo(info registry.Info) *v1.ConnectorInfo {
	ci := &v1.ConnectorInfo{
		Name: info.Name, Manifest: info.Manifest, LoadError: info.LoadError, Sha256: info.SHA256,
		BreakerState: v1.BreakerState_BREAKER_STATE_CLOSED,
	}
	if !info.LoadedAt.IsZero() {
		ci.LoadedAtUnix = info.LoadedAt.Unix()
	}
	switch info.State {
	case registry.StateLoading:
		ci.LoadState = v1.ConnectorLoadState_CONNECTOR_LOAD_STATE_LOADING
	case registry.StateReady:
		ci.LoadState = v1.ConnectorLoadState_CONNECTOR_LOAD_STATE_READY
	case registry.StateFailed:
		ci.LoadState = v1.ConnectorLoadState_CONNECTOR_LOAD_STATE_FAILED
	}
	ci.BaseUrl = s.opts.BaseURLs[info.Name]
	if ci.BaseUrl == "" {
		ci.BaseUrl = info.Manifest.GetSandboxBaseUrl()
	}
	if s.opts.ConnectorStatus != nil {
		st := s.opts.ConnectorStatus(info.Name)
		if st.BreakerState != 0 {
			ci.BreakerState = v1.BreakerState(st.BreakerState)
		}
		ci.ConformancePassed = st.ConformancePassed
	}
	return ci
}
