package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The CORS answers: the methods and request headers a front-end on another
// origin may use, and the response headers it may read.
const (
	corsMethods       = "GET, HEAD, POST, PUT"
	corsAllowHeaders  = "Authorization, Content-Type, Accept-Language, Idempotency-Key, If-Match, If-None-Match, X-Request-ID"
	corsExposeHeaders = "ETag, Location, Retry-After, X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
	corsMaxAge        = "600"
)

// cors applies Options.CORSOrigins to a request with an Origin header: an
// allowed origin gets Access-Control-Allow-Origin and the exposed headers;
// a preflight (OPTIONS with Access-Control-Request-Method) from an allowed
// origin is answered 204 here, and preflight reports that it was. A
// request from another origin gets no CORS header (the browser then keeps
// the answer from the page); its preflight goes on to the mux, which
// answers 405.
func (s *server) cors(w http.ResponseWriter, r *http.Request) (preflight bool) {
	origin := r.Header.Get("Origin")
	if len(s.opts.CORSOrigins) == 0 || origin == "" {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	if !slices.Contains(s.opts.CORSOrigins, "*") && !slices.Contains(s.opts.CORSOrigins, origin) {
		return false
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		return false
	}
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Methods", corsMethods)
	h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
	h.Set("Access-Control-Max-Age", corsMaxAge)
	w.WriteHeader(http.StatusNoContent)
	return true
}

// CheckOrigins returns an error naming the first entry of origins that is
// neither "*" nor an origin (http or https://host[:port], without path), as
// Options.CORSOrigins wants them.
func CheckOrigins(origins []string) error {
	for _, o := range origins {
		if o == "*" {
			continue
		}
		scheme, rest, ok := strings.Cut(o, "://")
		if !ok || (scheme != "http" && scheme != "https") || rest == "" || strings.ContainsAny(rest, "/?#") {
			return fmt.Errorf("CORS origin %q: want \"*\" or scheme://host[:port]", o)
		}
	}
	return nil
}
