package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/devidp"
	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry/sqlstore"
)

// demoLogin is a demo register in SQLite, the development provider serving
// its people, and the front-end logging them in.
type demoLogin struct {
	web, issuer string
	person      devidp.Person
	entityID    string
	report      []byte // the person's body's annual report
}

// freePort returns a loopback address free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startDemoLogin(t *testing.T, dist string) demoLogin {
	t.Helper()
	ctx := context.Background()
	// The register: seeded as "registro demo" does (smaller).
	const year, seed, scale = 2024, 3, 0.05
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "registro.db")
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gen, err := synth.Generate(synth.Config{Year: year, Seed: seed, Scale: scale})
	if err != nil {
		t.Fatal(err)
	}
	clk := &synth.Clock{}
	done, err := gen.Replay(ctx, wire.Registry(store, wire.Options{Now: clk.Now}), synth.ReplayOptions{SetClock: clk.Set, Staff: "staff:demo"})
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	people, err := devidp.DemoPeople(year, seed, scale, 10)
	if err != nil {
		t.Fatal(err)
	}
	var d demoLogin
	val, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		for _, b := range gen.Bodies {
			if d.report == nil && b.Filing != nil && b.Entity.LegalRepresentative.CodiceFiscale == p.CodiceFiscale {
				doc := b.Filing.Document
				doc.Body.RegisterID = done.IDs[b.Entity.CodiceFiscale]
				doc.Filer.TaxCode = p.CodiceFiscale
				if d.report, err = val.Marshal(&doc); err != nil {
					t.Fatal(err)
				}
				d.person, d.entityID = p, doc.Body.RegisterID
			}
		}
	}
	if d.report == nil {
		t.Fatal("no demo person's body has a report to file")
	}
	// The provider, with the front-end as its client.
	webAddr := freePort(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.issuer = "http://" + ln.Addr().String()
	h, err := devidp.Handler(d.issuer, "registro-web", "s3cret", []string{"http://" + webAddr + "/auth/callback"}, people, nil)
	if err != nil {
		t.Fatal(err)
	}
	idp := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	idp.Start()
	t.Cleanup(idp.Close)
	t.Setenv("REGISTRO_WEB_CLIENT_SECRET", "s3cret")
	d.web = "http://" + startServerAt(t, webAddr, "--dist", dist, "--db", dsn, "--oidc-issuer", d.issuer)
	return d
}

// startServerAt is startServer on a given address.
func startServerAt(t *testing.T, addr string, args ...string) string {
	t.Helper()
	got := startServer(t, append(args, "--addr", addr)...)
	if got != addr {
		t.Fatalf("listening on %s, want %s", got, addr)
	}
	return got
}

// browserless logs in as a browser would, with a cookie jar: it returns the
// client holding the session.
func (d demoLogin) logIn(t *testing.T, password string) (*http.Client, *http.Response) {
	t.Helper()
	return d.logInAs(t, d.person.CodiceFiscale, password)
}

// logInAs is logIn as the person with fiscal number cf.
func (d demoLogin) logInAs(t *testing.T, cf, password string) (*http.Client, *http.Response) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(d.web + "/auth/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		t.Fatalf("no login page: %s", resp.Request.URL)
	}
	resp, err = c.PostForm(d.issuer+"/login/username", url.Values{"id": {id}, "username": {cf}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return c, resp
}

func whoami(t *testing.T, c *http.Client, web string) map[string]any {
	t.Helper()
	resp, err := c.Get(web + "/auth/session")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func post(t *testing.T, c *http.Client, target string, body []byte, hdr ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", target, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestLoginFilesReport(t *testing.T) {
	d := startDemoLogin(t, fakeDist(t))
	if _, resp := d.logIn(t, "wrong"); resp.Request.URL.Host != strings.TrimPrefix(d.issuer, "http://") {
		t.Fatalf("wrong password left the provider: %s", resp.Request.URL)
	}
	c, resp := d.logIn(t, devidp.DemoPassword)
	if resp.Request.URL.String() != d.web+"/" {
		t.Fatalf("after login at %s, want %s/", resp.Request.URL, d.web)
	}
	u, _ := url.Parse(d.web)
	var ck *http.Cookie
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == sessionCookieDev {
			ck = k
		}
	}
	if ck == nil {
		t.Fatal("no session cookie")
	}
	if m := whoami(t, c, d.web); m["loggedIn"] != true || m["fiscalNumber"] != d.person.CodiceFiscale {
		t.Fatalf("session %v", m)
	}
	target := d.web + "/v1/filings/2024"
	// Another origin's page cannot post with the person's session (CSRF).
	if code, body := post(t, c, target, d.report, "Registro-Entity", d.entityID, "Sec-Fetch-Site", "cross-site"); code != http.StatusForbidden {
		t.Fatalf("cross-site post: %d %s", code, body)
	}
	// Acting for no body, the person may not file.
	if code, body := post(t, c, target, d.report); code != http.StatusForbidden {
		t.Fatalf("no Registro-Entity: %d %s", code, body)
	}
	code, body := post(t, c, target, d.report, "Registro-Entity", d.entityID, "Sec-Fetch-Site", "same-origin")
	if code != http.StatusCreated {
		t.Fatalf("filing: %d %s", code, body)
	}
	// Logged out, the session is gone and the API sees the public.
	if code, _ := post(t, c, d.web+"/auth/logout", nil, "Sec-Fetch-Site", "same-origin"); code >= 400 && code != http.StatusNotFound {
		t.Fatalf("logout: %d", code)
	}
	if m := whoami(t, c, d.web); m["loggedIn"] != false {
		t.Fatalf("after logout: %v", m)
	}
	if code, body := post(t, &http.Client{}, target, d.report, "Registro-Entity", d.entityID); code != http.StatusUnauthorized {
		t.Fatalf("after logout: %d %s", code, body)
	}
}

// TestBrowserLogin is the demo path in Chromium: a legal representative logs
// in on the development provider's page and files their body's report.
func TestBrowserLogin(t *testing.T) {
	if os.Getenv("REGISTRO_BROWSER_TEST") != "1" {
		t.Skip("set REGISTRO_BROWSER_TEST=1 to run the browser test (needs node, Chromium and `npm ci` in examples/web)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed:", err)
	}
	if _, err := os.Stat("node_modules/playwright-core/package.json"); err != nil {
		t.Fatalf("playwright-core missing: run `npm ci` in examples/web first (%v)", err)
	}
	shots := os.Getenv("REGISTRO_BROWSER_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	d := startDemoLogin(t, fakeDist(t))
	report := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(report, d.report, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e/login.mjs", "--url", d.web+"/", "--user", d.person.CodiceFiscale,
		"--password", devidp.DemoPassword, "--entity", d.entityID, "--report", report, "--shots", shots,
		"--chromium", chromium, "--timeout", "120")
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	t.Logf("browser login test:\n%s", out)
	if err != nil {
		t.Fatalf("browser login test failed: %v (screenshots in %s)", err, shots)
	}
}

// TestLoginRole checks that /auth/session tells the page a person's office
// role from the ID token's role claim, and no role for anyone else.
func TestLoginRole(t *testing.T) {
	d := startDemoLogin(t, fakeDist(t))
	for _, c := range []struct{ cf, role string }{
		{devidp.ClerkCF, "staff"},
		{devidp.OfficerCF, "region:12"},
		{d.person.CodiceFiscale, ""},
	} {
		cl, _ := d.logInAs(t, c.cf, devidp.DemoPassword)
		m := whoami(t, cl, d.web)
		role, _ := m["role"].(string)
		if m["loggedIn"] != true || role != c.role {
			t.Errorf("%s: session %v, want role %q", c.cf, m, c.role)
		}
	}
}
