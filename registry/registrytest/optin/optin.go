// Package optin tells whoever runs "go test ./..." which opt-in test suites
// were skipped and how to run them.
//
// A skip message is shown by "go test" only with -v: in package-list mode
// the go command prints just the "ok" line of a passing package and drops
// everything the test binary wrote. Skip therefore also writes one line per
// suite and test binary straight to the go command's standard error (the
// standard error of the test binary's parent process, /proc/PPID/fd/2 on
// Linux; the controlling terminal elsewhere), where it shows in a terminal
// and in a CI log alike:
//
//	registro: skipped the PostgreSQL tests of github.com/…/sqlstore: set REGISTRO_TEST_POSTGRES=postgres://… to run them
//
// When neither can be opened, the note is only in the -v log (the skip
// message), as before.
package optin

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
)

var (
	mu   sync.Mutex
	seen = map[string]bool{}
	// out opens where the note goes; tests replace it.
	out = parentStderr
)

// Skip skips tb, whose suite needs something opt-in, with the message
// "SUITE: HOW", and notes the skip once per suite on the go command's
// standard error (see the package doc).
func Skip(tb testing.TB, suite, how string) {
	tb.Helper()
	Note(suite, how)
	tb.Skipf("%s: %s", suite, how)
}

// Note writes "registro: skipped the SUITE tests of PACKAGE: HOW" once per
// suite and process to the go command's standard error.
func Note(suite, how string) {
	mu.Lock()
	defer mu.Unlock()
	if seen[suite] {
		return
	}
	seen[suite] = true
	w, closeFn := out()
	if w == nil {
		return
	}
	defer closeFn()
	fmt.Fprintf(w, "registro: skipped the %s tests of %s: %s\n", suite, testedPackage(), how)
}

// testedPackage names the package under test from the binary's build
// information ("pkg.test" otherwise).
func testedPackage() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Path != "" {
		return strings.TrimSuffix(bi.Path, ".test")
	}
	return strings.TrimSuffix(os.Args[0], ".test")
}

// parentStderr opens the standard error of the parent process (the go
// command), or the controlling terminal, or returns nil.
func parentStderr() (io.Writer, func()) {
	for _, path := range []string{fmt.Sprintf("/proc/%d/fd/2", os.Getppid()), "/dev/tty"} {
		if f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0); err == nil {
			return f, func() { f.Close() }
		}
	}
	return nil, func() {}
}
