package mirror_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver of the copy

	"github.com/openregistro/registro/examples/regional/mirror"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// Lombardy's copy of what its own token sees, kept in sync from the
// regional feed (here against an in-memory service with a few synthetic
// bodies enrolled in Section I).
func ExampleRegionSync() {
	ctx := context.Background()
	service := registry.New(memstore.New(), registry.Options{
		Now: func() time.Time { return time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC) },
	})
	gen, _ := synth.Generate(synth.Config{Year: 2024, Seed: 5, Scale: 0.05})
	for _, b := range gen.Bodies {
		if len(b.Sections) == 1 && b.Sections[0] == registry.SectionI && b.Outcome == registry.StatusEnrolled {
			_, e, _ := service.Apply(ctx, registry.Staff("applicant"), b.Application(""))
			_, _ = service.Enrol(ctx, registry.Staff("staff"), e.ID, registry.SectionI, registry.Decree{Number: "1", Date: registry.DateOf(b.DecidedOn)})
		}
	}
	tokens, _ := api.NewTokens(map[string]api.Identity{
		"lombardia-token-0123456789": {Role: registry.RoleRegion, Subject: "regione-lombardia:sync", Region: "03"},
	})
	deps, _ := api.NewDeps(service, questionnaire.NewMemStore(), tokens, nil)
	srv := httptest.NewServer(api.New(deps, api.Options{}))
	defer srv.Close()

	dir, _ := os.MkdirTemp("", "regional")
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", filepath.Join(dir, "regional.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	copy, err := mirror.NewSQLCopy(ctx, db, "sqlite", "03")
	if err != nil {
		panic(err)
	}
	c, _ := client.New(srv.URL, "lombardia-token-0123456789", client.Options{Timeout: 10 * time.Second})
	sync, err := mirror.NewRegionSync(c, copy, mirror.RegionOptions{Region: "03"})
	if err != nil {
		panic(err)
	}
	if _, err := sync.Once(ctx); err != nil {
		panic(err)
	}
	bodies, _ := copy.Bodies(ctx)
	fmt.Printf("%d bodies of Lombardy, seen in Section %s\n", len(bodies), bodies[0].Sections[0])
	// Output:
	// 6 bodies of Lombardy, seen in Section I
}
