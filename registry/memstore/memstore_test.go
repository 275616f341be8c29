package memstore_test

import (
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/registry/registrytest"
)

func TestConformance(t *testing.T) {
	registrytest.RunStoreTests(t, func(t *testing.T) registry.Store { return memstore.New() })
}
