package main

import (
	"database/sql"
	"net/http"
	"time"

	"github.com/openregistro/registro/registry/sqlstore"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are registrod's Prometheus registry and the metrics it fills
// outside the API (the API's own: api.NewMetrics).
type metrics struct {
	reg       *prometheus.Registry
	writeWait prometheus.Histogram
}

// newMetrics creates the registry with the Go runtime's and the process's
// standard collectors and registrod_sqlite_write_wait_seconds.
func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.writeWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "registrod_sqlite_write_wait_seconds",
		Help:    "Time each SQLite write transaction waited for its turn in the store's writer queue (SQLite has one writer).",
		Buckets: []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5, 10},
	})
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), m.writeWait)
	return m
}

// observeWriteWait is sqlstore.Options.WriteWait.
func (m *metrics) observeWriteWait(d time.Duration) { m.writeWait.Observe(d.Seconds()) }

// commitMetrics are the store's group commit (sqlstore.CommitStats) as
// counters: name, help and the value.
var commitMetrics = []struct {
	name, help string
	value      func(sqlstore.CommitStats) float64
}{
	{"registrod_store_transactions_total", "Transactions the store's group commit ran: one a batch of writes, plus one for each retry after a write broke its transaction.",
		func(s sqlstore.CommitStats) float64 { return float64(s.Transactions) }},
	{"registrod_store_writes_total", "Writes those transactions ran (a retried write counts again).",
		func(s sqlstore.CommitStats) float64 { return float64(s.Writes) }},
	{"registrod_store_pipelined_writes_total", "Writes run in a PostgreSQL pipeline (0 on SQLite).",
		func(s sqlstore.CommitStats) float64 { return float64(s.Pipelined) }},
	{"registrod_store_pipeline_fallbacks_total", "PostgreSQL pipelines that failed, their batch then run again the serial way.",
		func(s sqlstore.CommitStats) float64 { return float64(s.Fallbacks) }},
	{"registrod_store_committer_busy_seconds_total", "Time the store's one writer (the committer) spent running batches: its rate is how saturated it is, and near 1 every write waits for it.",
		func(s sqlstore.CommitStats) float64 { return s.Busy.Seconds() }},
}

// registerCommitStats registers commitMetrics, read from stats, for the
// store of dialect dbName ("sqlite" or "postgres").
func (m *metrics) registerCommitStats(dbName string, stats func() sqlstore.CommitStats) {
	for _, c := range commitMetrics {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help,
			ConstLabels: prometheus.Labels{"db_name": dbName}}, func() float64 { return c.value(stats()) }))
	}
}

// handler serves /metrics (and nothing else).
func (m *metrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	return mux
}

// poolCollector exports the database pool's statistics (sql.DBStats) under
// the names of client_golang's collectors.NewDBStatsCollector
// (go_sql_…{db_name}), from a function rather than a *sql.DB: the store
// does not hand out its pool.
type poolCollector struct {
	stats func() sql.DBStats
	descs map[string]*prometheus.Desc
}

// poolMetrics are the exported statistics: name, help, counter or gauge,
// and the value.
var poolMetrics = []struct {
	name, help string
	counter    bool
	value      func(sql.DBStats) float64
}{
	{"go_sql_max_open_connections", "Maximum number of open connections to the database.", false, func(s sql.DBStats) float64 { return float64(s.MaxOpenConnections) }},
	{"go_sql_open_connections", "The number of established connections both in use and idle.", false, func(s sql.DBStats) float64 { return float64(s.OpenConnections) }},
	{"go_sql_in_use_connections", "The number of connections currently in use.", false, func(s sql.DBStats) float64 { return float64(s.InUse) }},
	{"go_sql_idle_connections", "The number of idle connections.", false, func(s sql.DBStats) float64 { return float64(s.Idle) }},
	{"go_sql_wait_count_total", "The total number of connections waited for.", true, func(s sql.DBStats) float64 { return float64(s.WaitCount) }},
	{"go_sql_wait_duration_seconds_total", "The total time blocked waiting for a new connection.", true, func(s sql.DBStats) float64 { return s.WaitDuration.Seconds() }},
	{"go_sql_max_idle_closed_total", "The total number of connections closed due to SetMaxIdleConns.", true, func(s sql.DBStats) float64 { return float64(s.MaxIdleClosed) }},
	{"go_sql_max_idle_time_closed_total", "The total number of connections closed due to SetConnMaxIdleTime.", true, func(s sql.DBStats) float64 { return float64(s.MaxIdleTimeClosed) }},
	{"go_sql_max_lifetime_closed_total", "The total number of connections closed due to SetConnMaxLifetime.", true, func(s sql.DBStats) float64 { return float64(s.MaxLifetimeClosed) }},
}

// newPoolCollector returns the collector of a pool named dbName
// ("sqlite" or "postgres").
func newPoolCollector(dbName string, stats func() sql.DBStats) *poolCollector {
	c := &poolCollector{stats: stats, descs: map[string]*prometheus.Desc{}}
	for _, p := range poolMetrics {
		c.descs[p.name] = prometheus.NewDesc(p.name, p.help, nil, prometheus.Labels{"db_name": dbName})
	}
	return c
}

// Describe implements prometheus.Collector.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	for _, p := range poolMetrics {
		t := prometheus.GaugeValue
		if p.counter {
			t = prometheus.CounterValue
		}
		ch <- prometheus.MustNewConstMetric(c.descs[p.name], t, p.value(s))
	}
}
