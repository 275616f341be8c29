package registry_test

import (
	"encoding/json"
	"testing"

	"github.com/openregistro/registro/registry"
)

func TestRoleText(t *testing.T) {
	for _, r := range []registry.Role{registry.RolePublic, registry.RoleBody, registry.RoleStaff, registry.RoleRegion} {
		t.Run(r.String(), func(t *testing.T) {
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var back registry.Role
			if err := json.Unmarshal(b, &back); err != nil || back != r {
				t.Fatalf("%s → %s → %v, %v", r, b, back, err)
			}
		})
	}
	for _, bad := range []string{`"admin"`, `""`, `"Staff"`, `3`} {
		var r registry.Role
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("%s accepted as %s", bad, r)
		}
	}
	if _, err := json.Marshal(registry.Role(9)); err == nil {
		t.Error("an unknown role marshalled")
	}
}
