package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/openregistro/registro/examples/internal/devidp"
)

const testRedirect = "http://127.0.0.1:1/auth/callback"

// startIDP serves the provider on a loopback port; its issuer is its URL.
func startIDP(t *testing.T) (string, []devidp.Person) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	people, err := devidp.DemoPeople(2024, 3, 0.05, 2)
	if err != nil {
		t.Fatal(err)
	}
	h, err := devidp.Handler(issuer, "registro-web", "s3cret", []string{testRedirect}, people, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	t.Cleanup(srv.Close)
	return issuer, people
}

// login runs Authorization Code with PKCE as cf with password and returns
// the code the provider redirects to the client with, or an error.
func login(t *testing.T, cfg *oauth2.Config, verifier, cf, password string) (string, error) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), testRedirect) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := c.Get(cfg.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		return "", errors.New("no login page: " + resp.Request.URL.String())
	}
	form := url.Values{"id": {id}, "username": {cf}, "password": {password}}
	resp, err = c.PostForm(resp.Request.URL.Scheme+"://"+resp.Request.URL.Host+"/login/username", form)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		return "", errors.New("login refused: status " + resp.Status)
	}
	if loc.Query().Get("state") != "state-1" {
		return "", errors.New("state lost: " + loc.String())
	}
	return loc.Query().Get("code"), nil
}

func TestAuthorizationCodePKCE(t *testing.T) {
	issuer, people := startIDP(t)
	ctx := context.Background()
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &oauth2.Config{ClientID: "registro-web", ClientSecret: "s3cret", Endpoint: p.Endpoint(),
		RedirectURL: testRedirect, Scopes: []string{oidc.ScopeOpenID, "profile"}}
	for _, who := range []devidp.Person{people[0], people[len(people)-2]} {
		t.Run(who.What, func(t *testing.T) {
			verifier := oauth2.GenerateVerifier()
			code, err := login(t, cfg, verifier, who.CodiceFiscale, devidp.DemoPassword)
			if err != nil {
				t.Fatal(err)
			}
			// Without the PKCE verifier, the code is refused.
			if _, err := cfg.Exchange(ctx, code); err == nil {
				t.Fatal("code exchanged without the PKCE verifier")
			}
			code, err = login(t, cfg, verifier, who.CodiceFiscale, devidp.DemoPassword)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := tok.Extra("id_token").(string)
			idt, err := p.Verifier(&oidc.Config{ClientID: "registro-web"}).Verify(ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			var c struct {
				FiscalNumber string `json:"fiscal_number"`
				Role         string `json:"registro_role"`
			}
			if err := idt.Claims(&c); err != nil || c.FiscalNumber != who.CodiceFiscale || c.Role != who.Role {
				t.Errorf("claims %+v (%v), want fiscal_number %s, registro_role %q", c, err, who.CodiceFiscale, who.Role)
			}
		})
	}
	if _, err := login(t, cfg, oauth2.GenerateVerifier(), people[0].CodiceFiscale, "wrong"); err == nil {
		t.Error("wrong password: logged in")
	}
	if _, err := login(t, cfg, oauth2.GenerateVerifier(), "RSSMRA80A01H501U", devidp.DemoPassword); err == nil {
		t.Error("unknown person: logged in")
	}
}

func TestDevFlagRequired(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"--addr", "127.0.0.1:0"}, &out, &errb, nil); code != 2 || !strings.Contains(errb.String(), "DEVELOPMENT") {
		t.Errorf("without --dev: exit %d, %q", code, errb.String())
	}
	for _, args := range [][]string{{"--dev", "--people", "0"}, {"--dev", "--issuer", "ftp://x"}, {"--dev", "extra"}} {
		if code := run(context.Background(), args, &out, &errb, nil); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

func TestDemoPeople(t *testing.T) {
	people, err := devidp.DemoPeople(2024, 3, 0.05, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != 6 || people[4].Role != "staff" || people[5].Role != "region:12" {
		t.Fatalf("people %+v", people)
	}
}
