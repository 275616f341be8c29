package memstore_test

import (
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/registry/registrytest"
)

func TestAPITokenConformance(t *testing.T) {
	registrytest.RunAPITokenStoreTests(t, func(t *testing.T) registry.APITokenStore { return memstore.New() })
}
