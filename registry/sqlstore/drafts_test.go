package sqlstore_test

import (
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/registrytest"
	"github.com/openregistro/registro/registry/sqlstore"
)

func TestDraftConformance(t *testing.T) {
	t.Parallel()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			registrytest.RunDraftStoreTests(t, func(t *testing.T) registry.DraftStore {
				return mustOpen(t, b.dsn(t), sqlstore.Options{})
			})
		})
	}
}
