package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/devidp"
	"github.com/openregistro/registro/registry/registrytest/optin"
)

// TestBrowserHarness runs the harness's self-test (e2e/lib/selftest.mjs):
// its checks — axe-core, sideways scrolling at 390 px, requests to another
// origin, Content-Security-Policy violations — fail on pages built to
// break them and pass on a clean one. It runs only when
// REGISTRO_BROWSER_TEST=1 (needs node, Chromium and `npm ci`).
func TestBrowserHarness(t *testing.T) {
	node, chromium := browserTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e/lib/selftest.mjs", "--chromium", chromium)
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	t.Logf("e2e/lib/selftest.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("the harness's self-test failed: %v", err)
	}
	for _, want := range []string{"axe reports", "fails a page 600 px wide", "another origin is recorded", "CSP violation is recorded"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the self-test did not check %q", want)
		}
	}
}

// browserTools skips unless REGISTRO_BROWSER_TEST=1 and returns node and
// Chromium, failing when node_modules lacks what the scripts need.
func browserTools(t *testing.T) (node, chromium string) {
	t.Helper()
	if os.Getenv("REGISTRO_BROWSER_TEST") != "1" {
		optin.Skip(t, "browser", "set REGISTRO_BROWSER_TEST=1 to run them (needs node, Chromium and `npm ci && npm run build` in examples/web)")
	}
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed:", err)
	}
	for _, need := range []string{"node_modules/playwright-core/package.json", "node_modules/axe-core/axe.min.js"} {
		if _, err := os.Stat(need); err != nil {
			t.Fatalf("%s missing: run `npm ci && npm run build` in examples/web first (%v)", need, err)
		}
	}
	return node, chromium
}

// TestBrowserApp runs the app's end-to-end scripts (e2e/app-*.mjs, on the
// harness e2e/lib/harness.mjs) in Chromium, each against a fresh demo
// register served with the development OpenID provider, as the README's
// demo path runs them. Screenshots go to $REGISTRO_BROWSER_SHOTS when set.
// It runs only when REGISTRO_BROWSER_TEST=1 (needs node, Chromium and
// `npm ci && npm run build` in examples/web).
func TestBrowserApp(t *testing.T) {
	node, chromium := browserTools(t)
	if _, err := os.Stat("dist/index.html"); err != nil {
		t.Fatalf("dist/index.html missing: run `npm ci && npm run build` in examples/web first (%v)", err)
	}
	scripts, err := filepath.Glob("e2e/app-*.mjs")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no e2e/app-*.mjs scripts (%v)", err)
	}
	shots := os.Getenv("REGISTRO_BROWSER_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(script), "app-"), ".mjs")
		t.Run(name, func(t *testing.T) {
			d := startDemoLogin(t, "dist")
			report := filepath.Join(t.TempDir(), "report.json")
			if err := os.WriteFile(report, d.report, 0o600); err != nil {
				t.Fatal(err)
			}
			const timeout = 4 * time.Minute
			ctx, cancel := context.WithTimeout(context.Background(), timeout+time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, script, "--url", d.web+"/", "--user", d.person.CodiceFiscale,
				"--entity", d.entityID, "--report", report, "--clerk", devidp.ClerkCF, "--officer", devidp.OfficerCF,
				"--referent", devidp.ReferentCF, "--password", devidp.DemoPassword, "--shots", shots,
				"--chromium", chromium, "--timeout", fmt.Sprint(int(timeout.Seconds())))
			cmd.WaitDelay = 10 * time.Second
			out, err := cmd.CombinedOutput()
			t.Logf("%s:\n%s", script, out)
			if err != nil {
				t.Fatalf("%s failed: %v (screenshots in %s)", script, err, shots)
			}
		})
	}
}
