package api

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultRateLimit is the sustained requests per second each caller may
// make when Options.RateLimit is 0.
const DefaultRateLimit = 20

// DefaultRateBurst is the requests a caller may make at once when
// Options.RateBurst is 0.
const DefaultRateBurst = 120

// limiters keeps one token bucket per caller: the authenticated identity,
// else the client's address (an invalid token is the address's: inventing
// tokens gives no new buckets); see rateKey.
type limiters struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	seen    map[string]time.Time
	adds    int
}

// newLimiters returns the buckets of limit requests per second, burst at
// once; nil when limit is negative (no limit).
func newLimiters(limit float64, burst int, now func() time.Time) *limiters {
	if limit < 0 {
		return nil
	}
	if limit == 0 {
		limit = DefaultRateLimit
	}
	if burst <= 0 {
		burst = DefaultRateBurst
	}
	if now == nil {
		now = time.Now
	}
	return &limiters{limit: rate.Limit(limit), burst: burst, now: now,
		buckets: map[string]*rate.Limiter{}, seen: map[string]time.Time{}}
}

// fullAfter is how long an empty bucket takes to fill.
func (l *limiters) fullAfter() time.Duration {
	return time.Duration(float64(l.burst) / float64(l.limit) * float64(time.Second))
}

// bucket returns key's bucket, dropping (every 1024 new buckets) those idle
// long enough to be full again, which are the same as new ones.
func (l *limiters) bucket(key string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if l.adds++; l.adds%1024 == 0 {
			for k, t := range l.seen {
				if now.Sub(t) > l.fullAfter() {
					delete(l.buckets, k)
					delete(l.seen, k)
				}
			}
		}
		b = rate.NewLimiter(l.limit, l.burst)
		l.buckets[key] = b
	}
	l.seen[key] = now
	return b
}

// allow takes a token of key's bucket, sets the X-RateLimit headers on h
// and reports whether the request may go on; when not, it sets Retry-After
// and returns the wait.
func (l *limiters) allow(key string, h http.Header) (bool, time.Duration) {
	now := l.now()
	b := l.bucket(key, now)
	ok := b.AllowN(now, 1)
	tokens := math.Max(0, b.TokensAt(now))
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.burst))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(int(tokens)))
	h.Set("X-RateLimit-Reset", strconv.Itoa(int(math.Ceil((float64(l.burst)-tokens)/float64(l.limit)))))
	if ok {
		return true, 0
	}
	wait := time.Duration(math.Ceil((1 - tokens) / float64(l.limit) * float64(time.Second)))
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	h.Set("Retry-After", strconv.Itoa(secs))
	return false, time.Duration(secs) * time.Second
}

// authResult is the authentication the rate limiter made of a request
// with credentials, kept in its context so that the route's wrap does not
// authenticate it again.
type authResult struct {
	c   caller
	err error
}

// authKey keys the authResult in a request's context.
type authKey struct{}

// rateKey returns the caller a request counts against, and the request with
// its authentication kept: the authenticated identity for valid credentials
// ("token:SUBJECT" for a static token, "apitoken:ID" for an API token of the
// register, "person:CF" for a person's OIDC token), else — no credentials, or
// credentials that do not authenticate (unknown, revoked, expired, a JWT
// that does not verify, a person naming a body they do not act for) —
// "addr:HOST" of the client's address, so that inventing tokens gives no
// new budget. Behind a proxy, authenticated callers each have their own
// bucket; the anonymous share the proxy's unless --trusted-proxies names it.
func (s *server) rateKey(r *http.Request) (string, *http.Request) {
	if r.Header.Get("Authorization") != "" {
		c, err := s.authenticate(r.Context(), r)
		r = r.WithContext(context.WithValue(r.Context(), authKey{}, &authResult{c, err}))
		if err == nil && c.rateKey != "" {
			return c.rateKey, r
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr:" + host, r
}

// rateLimited answers the problem of a spent rate limit.
func rateLimited(wait time.Duration) *httpError {
	secs := int(wait.Seconds())
	return newError(kindTooManyRequests, msg(
		fmt.Sprintf("troppe richieste: riprovare tra %d secondi", secs),
		fmt.Sprintf("too many requests: retry in %d seconds", secs)))
}
