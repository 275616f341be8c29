package api

import (
	"net"
	"net/http"
)

// ready answers readiness: 200 when the database answers a one-row query,
// a 503 problem otherwise (a load balancer stops sending requests; the
// process is not restarted for it: /healthz stays 200).
func (s *server) ready(w http.ResponseWriter, r *request) error {
	if err := s.deps.Registry.Ping(r.Context()); err != nil {
		return &httpError{kind: kindUnavailable, cause: err, detail: msg(
			"la base dati non risponde", "the database does not answer")}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

// startingDetail is the detail of every answer but /healthz while the
// service starts.
var startingDetail = msg(
	"il servizio si sta avviando (migrazioni della base dati in corso): riprovare più tardi",
	"the service is starting (database migrations running): retry later")

// Starting returns the handler that answers while the service starts,
// before the API exists (the database is being opened and migrated):
// /healthz is 200 {"status":"ok"} (the process is alive), every other
// request — /readyz first — a 503 problem with Retry-After.
func Starting() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.URL.Path == "/healthz" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
			return
		}
		lang, _ := negotiateLang(r)
		slug, status, title := kindUnavailable.info()
		w.Header().Set("Retry-After", "5")
		writeJSONAs(w, "application/problem+json", status, Problem{Type: ProblemTypeBase + slug, Title: title.In(lang),
			Status: status, Detail: startingDetail.In(lang), Instance: shortPath(r.URL.Path),
			Messages: startingDetail})
	})
}

// clientHost is the host of the request's client address (RemoteAddr, which
// a server behind trusted proxies has rewritten to the client's), for logs.
func clientHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
