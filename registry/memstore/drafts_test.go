package memstore_test

import (
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/registry/registrytest"
)

func TestDraftConformance(t *testing.T) {
	registrytest.RunDraftStoreTests(t, func(t *testing.T) registry.DraftStore { return memstore.New() })
}
