package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/schemas/problem"
)

// Validate a draft, list the bodies and read one that does not exist: the
// service's problem comes back as a *client.Error with its kind.
func Example() {
	reg := registry.New(memstore.New(), registry.Options{})
	deps, err := api.NewDeps(reg, questionnaire.NewMemStore(), api.Tokens{}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(api.New(deps, api.Options{}))
	defer srv.Close()

	c, err := client.New(srv.URL, "", client.Options{Lang: problem.EN})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	res, err := c.Validate(ctx, 2024, []byte(`{"reportingYear": "2024"}`), true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("valid:", res.Valid, "first problem at", res.Errors[0].InstancePath)

	n := 0
	for _, err := range c.Entities(ctx, client.EntityQuery{Section: registry.SectionI}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n++
	}
	fmt.Println("bodies:", n)

	_, _, err = c.Entity(ctx, "R000001")
	var e *client.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status, problem.KindOf(err), e.Problem.Title)
	}
	// Output:
	// valid: false first problem at /reportingYear
	// bodies: 0
	// 404 not_found Not found
}
