package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/openregistro/registro/examples/registrod/api"
)

// Me calls GET /v1/me: who the token's holder is, and the bodies they may
// act for (with each body's enrolments and reporting status).
func (c *Client) Me(ctx context.Context, opts ...CallOption) (api.Me, error) {
	return send[api.Me](ctx, c, newCall(http.MethodGet, "/v1/me", nil, nil, opts))
}

// Territory calls GET /v1/territory: the regions and provinces by name, and
// with province (a sigla, "RM"; "" for none) that province's comuni.
func (c *Client) Territory(ctx context.Context, province string, opts ...CallOption) (api.TerritoryList, error) {
	var q url.Values
	if province != "" {
		q = url.Values{"province": {province}}
	}
	return send[api.TerritoryList](ctx, c, newCall(http.MethodGet, "/v1/territory", q, nil, opts))
}
