// Package release holds what Registro's binaries say about themselves: the
// version they were built from (for --version) and the check of the
// project's publiccode.yml against the publiccode.yml standard (v0.7), the
// Developers Italia metadata that makes public-sector software findable.
package release

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Version returns the module version and the VCS revision the running binary
// was built from, as the Go toolchain recorded them: "v0.2.0", or
// "(devel) 1a2b3c4d5e6f (modified)" for a build from a work tree, and
// "(unknown)" when the binary carries no build information.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	return versionOf(bi)
}

func versionOf(bi *debug.BuildInfo) string {
	parts := []string{bi.Main.Version}
	if parts[0] == "" {
		parts[0] = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		parts = append(parts, rev)
		if settings["vcs.modified"] == "true" {
			parts = append(parts, "(modified)")
		}
	}
	return strings.Join(parts, " ")
}

// VersionLine is what `NAME --version` prints: the program, its version and
// the Go version it was built with.
func VersionLine(name string) string {
	gov := "go?"
	if bi, ok := debug.ReadBuildInfo(); ok {
		gov = bi.GoVersion
	}
	return fmt.Sprintf("%s %s (%s)", name, Version(), gov)
}
