package release_test

import (
	"os"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/openregistro/registro/examples/internal/release"
)

// TestPublicCode checks the project's publiccode.yml, and that the checker
// accepts the standard's own examples and rejects mutations of them.
func TestPublicCode(t *testing.T) {
	for _, f := range []string{"../../../publiccode.yml", "testdata/standard-full.yml", "testdata/standard-minimal.yml"} {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range release.CheckPublicCode(b) {
				t.Error(e)
			}
		})
	}
	minimal, err := os.ReadFile("testdata/standard-minimal.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, old, new, want string }{
		{"no name", "name: Medusa\n", "", "name is required"},
		{"bad status", "developmentStatus: development", "developmentStatus: finished", "developmentStatus"},
		{"bad software type", `softwareType: "standalone/desktop"`, `softwareType: "desktop"`, "softwareType"},
		{"bad url", `url: "https://example.com/italia/medusa.git"`, `url: "example.com/medusa"`, "url"},
		{"no licence", "legal:\n  license: AGPL-3.0-or-later\n", "legal:\n  mainCopyrightOwner: X\n", "legal.license is required"},
		{"long short description", "      A rather short description which\n      is probably useless\n",
			"      " + strings.Repeat("lungo ", 30) + "\n", "shortDescription"},
		{"short long description", "      Very long description of this software, also split\n", "      Short.\n", "longDescription"},
		{"community without contacts", "  contacts:\n    - name: Francesco Rossi\n", "", "maintenance.contacts is required"},
		{"bad language", "  availableLanguages:\n    - en", "  availableLanguages:\n    - English", "not a language tag"},
		{"not YAML", "name: Medusa", "name: [Medusa", "not YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mutated := strings.Replace(string(minimal), tc.old, tc.new, 1)
			if mutated == string(minimal) {
				t.Fatalf("mutation %q not applied", tc.old)
			}
			errs := release.CheckPublicCode([]byte(mutated))
			var all []string
			for _, e := range errs {
				all = append(all, e.Error())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Fatalf("want a finding about %q, got %q", tc.want, all)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	if _, ok := debug.ReadBuildInfo(); !ok {
		t.Fatal("a test binary carries build information")
	}
	v := release.VersionLine("registro")
	if !strings.HasPrefix(v, "registro ") || !strings.Contains(v, "go1.") {
		t.Fatalf("version line %q", v)
	}
}
