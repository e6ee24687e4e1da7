package main

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

func init() {
	pdk.Register(&pdk.Connector{
		Manifest: &v1.Manifest{Name: "tmp"},
		Flows: pdk.Flows{Get: pdk.Handler[*v1.PaymentServiceGetRequest, *v1.PaymentServiceGetResponse]{
			Build: func(c *pdk.Context, r *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
				return pdk.NewRequest("GET", c.URL("/x/"+r.ConnectorTransactionId)).Build(), nil
			},
			Parse: func(c *pdk.Context, r *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
				return &v1.PaymentServiceGetResponse{ConnectorTransactionId: r.ConnectorTransactionId}, nil
			},
		}},
	})
}

func main() {}
