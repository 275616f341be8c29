package mirror

import (
	"context"
	"errors"
	"net/http"

	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/registry"
)

// The mirror reads the service through registrod's typed client
// (examples/registrod/client): these are the few things it asks of it.

// refused reports whether err is the service refusing the token (401: a
// missing or unknown token; 403: a role that may not read this, such as a
// region token on the staff change feed): retrying cannot cure it.
func refused(err error) bool {
	var e *client.Error
	return errors.As(err, &e) && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden)
}

// notFound reports whether err is the service answering 404: no such body,
// or one the token may not see.
func notFound(err error) bool {
	var e *client.Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// entities returns every body of region (in section sec, or every one for
// 0) that c's token may see, following the listing's pages.
func entities(ctx context.Context, c *client.Client, region string, sec registry.Section) ([]registry.Entity, error) {
	var out []registry.Entity
	for e, err := range c.Entities(ctx, client.EntityQuery{Region: region, Section: sec, Limit: registry.MaxLimit}) {
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
