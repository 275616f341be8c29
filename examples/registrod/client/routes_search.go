package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openregistro/registro/examples/registrod/api"
)

// SearchQuery is a search of the public Section I list.
type SearchQuery struct {
	// Words are matched in the name or the comune's name, ignoring case
	// and accents; each must occur.
	Words string
	// Region (ISTAT code), Province (sigla) and LegalForm (a legal_form
	// code) filter the bodies; zero values do not.
	Region, Province, LegalForm string
	// Limit is the page size (1…100; 0: the service's default, 20).
	Limit int
}

// SearchOpenData calls GET /v1/open-data/search: one page of the bodies of
// the public Section I list matching q, from cursor ("" for the first
// page), with the total and the facets of the list (regions, provinces and
// legal forms with names and counts). The page's Next is the cursor of the
// next one.
func (c *Client) SearchOpenData(ctx context.Context, q SearchQuery, cursor string, opts ...CallOption) (api.OpenDataSearch, error) {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Words, "region": q.Region, "province": q.Province, "legalForm": q.LegalForm, "cursor": cursor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return send[api.OpenDataSearch](ctx, c, newCall(http.MethodGet, "/v1/open-data/search", v, nil, opts))
}
