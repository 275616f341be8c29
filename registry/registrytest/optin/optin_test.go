package optin

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNoteOncePerSuite(t *testing.T) {
	var b bytes.Buffer
	old := out
	out = func() (io.Writer, func()) { return &b, func() {} }
	t.Cleanup(func() { out = old; mu.Lock(); delete(seen, "Demo"); delete(seen, "Other"); mu.Unlock() })
	Note("Demo", "set X=1 to run them")
	Note("Demo", "set X=1 to run them")
	Note("Other", "install Y")
	assert.Equal(t, 2, strings.Count(b.String(), "registro: skipped the "), b.String())
	assert.Contains(t, b.String(), "registro: skipped the Demo tests of ")
	assert.Contains(t, b.String(), ": set X=1 to run them\n")
}

// TestSkipShowsInGoTest runs "go test" on this package, as "go test ./..."
// would (no -v), with a test that skips, and finds the note in its output.
func TestSkipShowsInGoTest(t *testing.T) {
	if os.Getenv("OPTIN_CHILD") == "1" {
		t.Skip("the child run")
	}
	if testing.Short() {
		t.Skip("runs go test: skipped with -short")
	}
	cmd := exec.Command("go", "test", "-count=1", "-run", "^TestChildSkips$", ".")
	cmd.Env = append(os.Environ(), "OPTIN_CHILD=1")
	outb, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", outb)
	assert.Contains(t, string(outb), "registro: skipped the Demo tests of github.com/openregistro/registro/registry/registrytest/optin: set OPTIN_DEMO=1 to run them\n")
	assert.Contains(t, string(outb), "ok  \tgithub.com/openregistro/registro/registry/registrytest/optin")
}

// TestChildSkips is the skipping test TestSkipShowsInGoTest runs.
func TestChildSkips(t *testing.T) {
	if os.Getenv("OPTIN_CHILD") != "1" {
		t.Skip("run by TestSkipShowsInGoTest")
	}
	Skip(t, "Demo", "set OPTIN_DEMO=1 to run them")
}
