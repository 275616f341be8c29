package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the API's Prometheus metrics (see NewMetrics); pass them in
// Options.Metrics. Routes are labelled by their pattern, never by the raw
// path, so that the number of series is bounded by the route table.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	received *prometheus.CounterVec
}

// UnmatchedRoute is the route label of a request that matches no route.
const UnmatchedRoute = "unmatched"

// NewMetrics creates the API's metrics and registers them with reg:
//
//   - registrod_http_requests_total{route,status}: requests answered, by
//     route pattern ("GET /v1/entities/{id}", or "unmatched") and status;
//   - registrod_http_request_duration_seconds{route,status}: how long they
//     took, from the headers read to the answer written (a histogram);
//   - registrod_http_requests_in_flight: requests being served now;
//   - registrod_received_total{kind}: documents received and stored — kind
//     "filing" for each new revision of an annual report (a 201 of POST
//     /v1/filings/{year} that is not an idempotent replay), kind
//     "application" for each application filed through a POST route whose
//     operation files an application.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "registrod_http_requests_total",
			Help: "HTTP requests answered, by route pattern and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "registrod_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and status.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15},
		}, []string{"route", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "registrod_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "registrod_received_total",
			Help: "Documents received and stored: filings (new revisions of annual reports) and applications.",
		}, []string{"kind"}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight, m.received)
	// Both kinds are exported from the start, at 0.
	m.received.WithLabelValues("filing")
	m.received.WithLabelValues("application")
	return m
}

// receivedKind says what kind of document a successful answer of route op
// (method POST) received: "filing", "application" or "".
func receivedKind(method, op string) string {
	switch {
	case method != http.MethodPost:
		return ""
	case op == "fileQuestionnaire":
		return "filing"
	case strings.HasPrefix(op, "file") && strings.Contains(op, "Application"):
		return "application"
	}
	return ""
}

// observe counts a request in flight and returns the function that, once
// it is answered, records it (ServeHTTP defers it). Without metrics it
// does nothing.
func (s *server) observe(r *http.Request, rec *recorder) func() {
	m := s.opts.Metrics
	if m == nil {
		return func() {}
	}
	start := time.Now()
	m.inFlight.Inc()
	route := UnmatchedRoute
	if _, pattern := s.mux.Handler(r); pattern != "" {
		route = pattern
	}
	return func() {
		m.inFlight.Dec()
		status := strconv.Itoa(rec.status())
		m.requests.WithLabelValues(route, status).Inc()
		m.duration.WithLabelValues(route, status).Observe(time.Since(start).Seconds())
		if rec.status() != http.StatusCreated || rec.Header().Get(ReplayedHeader) == "true" {
			return
		}
		method, path, _ := strings.Cut(route, " ")
		for _, rd := range s.routes {
			if rd.method == method && rd.path == path {
				if kind := receivedKind(method, rd.op); kind != "" {
					m.received.WithLabelValues(kind).Inc()
				}
				break
			}
		}
	}
}
