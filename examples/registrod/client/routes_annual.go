package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openregistro/registro/reporting"
)

// AnnualReport calls GET /v1/annual-report/{year}: the published annual
// report of reporting year year (public once the year's filing period has
// ended), for scope: "" the nation, a macro-area ("ITC"…"ITG") or a region
// ("01"…"20"). With IfNoneMatch it returns ErrNotModified while unchanged.
func (c *Client) AnnualReport(ctx context.Context, year int, scope string, opts ...CallOption) (reporting.Report, error) {
	q := url.Values{}
	if scope != "" {
		q.Set("scope", scope)
	}
	return send[reporting.Report](ctx, c, newCall(http.MethodGet, "/v1/annual-report/"+strconv.Itoa(year), q, nil, opts))
}
