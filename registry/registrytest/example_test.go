package registrytest_test

import (
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/registry/registrytest"
)

// A store's test runs the whole kit against fresh, empty instances.
func ExampleRunStoreTests() {
	_ = func(t *testing.T) {
		registrytest.RunStoreTests(t, func(t *testing.T) registry.Store { return memstore.New() })
	}
}
