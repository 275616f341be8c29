package mirror_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/openregistro/registro/examples/regional/mirror"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// A regional copy of Lombardy's bodies, kept in sync with a registrod
// service (here an in-memory one with a few synthetic bodies).
func Example() {
	ctx := context.Background()
	service := registry.New(memstore.New(), registry.Options{
		Now: func() time.Time { return time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC) },
	})
	gen, _ := synth.Generate(synth.Config{Year: 2024, Seed: 5, Scale: 0.05})
	for _, b := range gen.Bodies {
		if len(b.Sections) == 1 && b.Sections[0] == registry.SectionI {
			_, _, _ = service.Apply(ctx, registry.Staff("applicant"), b.Application(""))
		}
	}
	tokens, _ := api.NewTokens(map[string]api.Identity{
		"sync-token-0123456789": {Role: registry.RoleStaff, Subject: "regione-lombardia:sync"},
	})
	deps, _ := api.NewDeps(service, questionnaire.NewMemStore(), tokens, nil)
	srv := httptest.NewServer(api.New(deps, api.Options{}))
	defer srv.Close()

	// The regional system: a client with its token, its own store, a mirror.
	c, err := client.New(srv.URL, "sync-token-0123456789", client.Options{Timeout: 10 * time.Second})
	if err != nil {
		panic(err)
	}
	local := memstore.New() // sqlstore.Open(ctx, "sqlite:regional.db", sqlstore.Options{}) in production
	m, err := mirror.New(c, local, mirror.Options{Region: "03"})
	if err != nil {
		panic(err)
	}
	st, err := m.Once(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Printf("first sync: %d bodies created\n", st.Created)
	st, _ = m.Once(ctx)
	fmt.Printf("second sync: %d events, %d bodies written\n", st.Events, st.Created+st.Updated+st.Removed)

	bad, _ := c.WithToken("wrong-token-0123456789")
	refusedMirror, _ := mirror.New(bad, memstore.New(), mirror.Options{Region: "03"})
	_, err = refusedMirror.Once(ctx)
	var refused *client.Error
	fmt.Println(errors.As(err, &refused) && refused.Status == http.StatusUnauthorized)
	// Output:
	// first sync: 7 bodies created
	// second sync: 0 events, 0 bodies written
	// true
}
