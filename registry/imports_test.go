package registry_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestCoreImports holds the core to the layout's rule that imports point
// inward: no package of the core (registry and its subpackages but the store
// adapters, eligibility, questionnaire, schemas, reporting) depends, directly
// or not, on a database driver, on net/http, on starting processes, or on
// anything under examples/ (the synthetic register included).
func TestCoreImports(t *testing.T) {
	const module = "github.com/openregistro/registro"
	out, err := exec.Command("go", "list", "-deps=false", "-f", "{{.ImportPath}}\t{{join .Deps \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	adapter := func(pkg string) bool {
		return strings.HasPrefix(pkg, module+"/examples/") ||
			strings.HasPrefix(pkg, module+"/registry/sqlstore") ||
			strings.Contains(pkg, "/internal/") ||
			strings.HasSuffix(pkg, "/gendocs") // generators are commands
	}
	forbidden := []string{"net/http", "database/sql", "os/exec", "modernc.org/sqlite", "github.com/jackc/pgx/v5"}
	core := 0
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, "\t")
		if adapter(pkg) {
			continue
		}
		core++
		for dep := range strings.FieldsSeq(deps) {
			if slices.Contains(forbidden, dep) || strings.HasPrefix(dep, module+"/examples/") || strings.HasPrefix(dep, module+"/registry/sqlstore") {
				t.Errorf("%s depends on %s: the core imports no driver, no net/http, no os/exec and nothing of examples/", pkg, dep)
			}
		}
	}
	if core < 10 {
		t.Fatalf("only %d core packages listed; go list output:\n%s", core, out)
	}
}
