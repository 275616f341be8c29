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

// TestBrowserApp runs the app's end-to-end scripts (e2e/app-*.mjs, on the
// harness e2e/lib/harness.mjs) in Chromium, each against a fresh demo
// register served with the development OpenID provider, as the README's
// demo path runs them. Screenshots go to $REGISTRO_BROWSER_SHOTS when set.
// It runs only when REGISTRO_BROWSER_TEST=1 (needs node, Chromium and
// `npm ci && npm run build` in examples/web).
func TestBrowserApp(t *testing.T) {
	if os.Getenv("REGISTRO_BROWSER_TEST") != "1" {
		optin.Skip(t, "browser", "set REGISTRO_BROWSER_TEST=1 to run them (needs node, Chromium and `npm ci && npm run build` in examples/web)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed:", err)
	}
	for _, need := range []string{"dist/index.html", "node_modules/playwright-core/package.json", "node_modules/axe-core/axe.min.js"} {
		if _, err := os.Stat(need); err != nil {
			t.Fatalf("%s missing: run `npm ci && npm run build` in examples/web first (%v)", need, err)
		}
	}
	scripts, err := filepath.Glob("e2e/app-*.mjs")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no e2e/app-*.mjs scripts (%v)", err)
	}
	shots := os.Getenv("REGISTRO_BROWSER_SHOTS")
	if shots == "" {
		shots = t.TempDir()
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
