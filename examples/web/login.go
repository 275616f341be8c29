package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// The front-end logs people in with OpenID Connect, Authorization Code with
// PKCE (golang.org/x/oauth2 on this server, go-oidc to verify the ID
// token), keeps their session on the server — the browser holds only a
// random session ID in an HttpOnly, SameSite=Lax cookie, Secure unless the
// front-end is served on http://localhost or http://127.0.0.1 in
// development — and forwards their ID token to the register's API as the
// bearer token of every /v1/ request. State-changing requests from other
// origins are refused (net/http's CrossOriginProtection, on Sec-Fetch-Site
// and Origin), and logging out is a POST.

const (
	// sessionCookie names the session cookie; "__Host-" binds it to this
	// origin over HTTPS (not allowed on plain HTTP, in development).
	sessionCookie, sessionCookieDev = "__Host-registro_session", "registro_session"
	// loginTTL bounds the time between /auth/login and its callback.
	loginTTL = 10 * time.Minute
	// maxSessions and maxPending bound what the server keeps in memory.
	maxSessions, maxPending = 10000, 10000
)

// loginConfig is what the front-end needs to log people in.
type loginConfig struct {
	Issuer, ClientID, ClientSecret string
	// PublicURL is the front-end's own URL (the redirect URI is
	// PublicURL + "/auth/callback").
	PublicURL string
	// RoleClaim names the ID token's claim giving a person's office role
	// ("staff", "region:NN"): /auth/session tells the page, which shows
	// the back office to the people who may use it. The API decides what
	// they may do from the token itself.
	RoleClaim string
}

// session is a person logged in.
type session struct {
	idToken      string
	fiscalNumber string
	name         string
	role         string
	expires      time.Time
}

// pending is a login in progress: its state's PKCE verifier and nonce.
type pending struct {
	verifier, nonce string
	started         time.Time
}

// auth is the login machinery.
type auth struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	endURL   string // the provider's end_session_endpoint, "" if none
	secure   bool   // cookies are Secure
	log      *slog.Logger
	now      func() time.Time
	role     string // the role claim's name

	mu       sync.Mutex
	sessions map[string]session
	pending  map[string]pending
}

// newAuth discovers the provider and returns the login machinery.
func newAuth(ctx context.Context, cfg loginConfig, log *slog.Logger) (*auth, error) {
	pub, err := url.Parse(cfg.PublicURL)
	if err != nil || pub.Host == "" || (pub.Scheme != "http" && pub.Scheme != "https") {
		return nil, fmt.Errorf("--public-url %q is not an http(s) URL", cfg.PublicURL)
	}
	dev := pub.Scheme == "http" && (pub.Hostname() == "localhost" || pub.Hostname() == "127.0.0.1")
	if pub.Scheme == "http" && !dev {
		return nil, fmt.Errorf("--public-url %s: sessions need HTTPS (plain http only on localhost, in development)", cfg.PublicURL)
	}
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("OpenID provider %s: %w", cfg.Issuer, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&meta)
	return &auth{
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: strings.TrimSuffix(cfg.PublicURL, "/") + "/auth/callback",
			Scopes:      []string{oidc.ScopeOpenID, "profile"}},
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		endURL:   meta.EndSession,
		secure:   !dev,
		role:     cfg.RoleClaim,
		log:      log,
		now:      time.Now,
		sessions: map[string]session{},
		pending:  map[string]pending{},
	}, nil
}

func randomString() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (a *auth) cookieName() string {
	if a.secure {
		return sessionCookie
	}
	return sessionCookieDev
}

// routes adds the login routes to mux.
func (a *auth) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /auth/login", a.login)
	mux.HandleFunc("GET /auth/callback", a.callback)
	mux.HandleFunc("GET /auth/session", a.whoami)
	mux.HandleFunc("POST /auth/logout", a.logout)
}

// login sends the browser to the provider with a fresh state, nonce and
// PKCE challenge.
func (a *auth) login(w http.ResponseWriter, r *http.Request) {
	state, nonce, verifier := randomString(), randomString(), oauth2.GenerateVerifier()
	a.mu.Lock()
	now := a.now()
	for k, p := range a.pending {
		if now.Sub(p.started) > loginTTL {
			delete(a.pending, k)
		}
	}
	if len(a.pending) >= maxPending {
		a.mu.Unlock()
		http.Error(w, "too many logins in progress; try again shortly", http.StatusServiceUnavailable)
		return
	}
	a.pending[state] = pending{verifier: verifier, nonce: nonce, started: now}
	a.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)), http.StatusFound)
}

// callback exchanges the code (with the PKCE verifier), verifies the ID
// token and its nonce, and opens the session.
func (a *auth) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	a.mu.Lock()
	p, ok := a.pending[state]
	delete(a.pending, state)
	a.mu.Unlock()
	if !ok || a.now().Sub(p.started) > loginTTL {
		http.Error(w, "unknown or expired login: start again from /auth/login", http.StatusBadRequest)
		return
	}
	if e := q.Get("error"); e != "" {
		http.Error(w, "login refused by the identity provider: "+e, http.StatusUnauthorized)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	tok, err := a.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(p.verifier))
	if err != nil {
		a.log.Warn("login: code exchange failed", "error", err)
		http.Error(w, "login failed: the code was not accepted", http.StatusUnauthorized)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := a.verifier.Verify(ctx, raw)
	if err != nil || idt.Nonce != p.nonce {
		a.log.Warn("login: ID token refused", "error", err)
		http.Error(w, "login failed: the ID token does not verify", http.StatusUnauthorized)
		return
	}
	var c struct {
		FiscalNumber string `json:"fiscal_number"`
		SPID         string `json:"fiscalNumber"`
		Name         string `json:"name"`
	}
	_ = idt.Claims(&c)
	var all map[string]any
	_ = idt.Claims(&all)
	role, _ := all[a.role].(string)
	if c.FiscalNumber == "" {
		c.FiscalNumber = strings.TrimPrefix(c.SPID, "TINIT-")
	}
	id := randomString()
	a.mu.Lock()
	now := a.now()
	for k, s := range a.sessions {
		if now.After(s.expires) {
			delete(a.sessions, k)
		}
	}
	if len(a.sessions) >= maxSessions {
		a.mu.Unlock()
		http.Error(w, "too many sessions; try again later", http.StatusServiceUnavailable)
		return
	}
	a.sessions[id] = session{idToken: raw, fiscalNumber: c.FiscalNumber, name: c.Name, role: role, expires: idt.Expiry}
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: id, Path: "/", HttpOnly: true, Secure: a.secure,
		SameSite: http.SameSiteLaxMode, Expires: idt.Expiry})
	a.log.Info("logged in", "fiscal_number", c.FiscalNumber)
	http.Redirect(w, r, "/", http.StatusFound)
}

// current returns the session of r, if any and not expired.
func (a *auth) current(r *http.Request) (session, string, bool) {
	ck, err := r.Cookie(a.cookieName())
	if err != nil {
		return session{}, "", false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[ck.Value]
	if ok && a.now().After(s.expires) {
		delete(a.sessions, ck.Value)
		ok = false
	}
	return s, ck.Value, ok
}

// whoami answers who is logged in: {"loggedIn": false} or the person (fiscal
// number, name, office role when the token has one, expiry).
func (a *auth) whoami(w http.ResponseWriter, r *http.Request) {
	s, _, ok := a.current(r)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	out := map[string]any{"loggedIn": ok}
	if ok {
		out["fiscalNumber"], out["name"], out["expires"] = s.fiscalNumber, s.name, s.expires
		if s.role != "" {
			out["role"] = s.role
		}
	}
	_ = json.NewEncoder(w).Encode(out)
}

// logout closes the session and clears the cookie, then sends the browser
// to the provider's end-session endpoint (or home).
func (a *auth) logout(w http.ResponseWriter, r *http.Request) {
	s, id, ok := a.current(r)
	if ok {
		a.mu.Lock()
		delete(a.sessions, id)
		a.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(), Value: "", Path: "/", HttpOnly: true, Secure: a.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	target := "/"
	if ok && a.endURL != "" {
		target = a.endURL + "?" + url.Values{"id_token_hint": {s.idToken}, "client_id": {a.oauth.ClientID}}.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// withToken forwards the session's ID token to the API: the request gets
// "Authorization: Bearer ID_TOKEN" unless it has its own, and never the
// session cookie.
func (a *auth) withToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _, ok := a.current(r)
		r = r.Clone(r.Context())
		if ok && r.Header.Get("Authorization") == "" {
			r.Header.Set("Authorization", "Bearer "+s.idToken)
		}
		r.Header.Del("Cookie")
		next.ServeHTTP(w, r)
	})
}

// errNoLogin is returned when the login flags are incomplete.
var errNoLogin = errors.New("--oidc-issuer needs --oidc-client-id, --oidc-client-secret and --public-url")
