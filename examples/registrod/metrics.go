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

// handler serves /metrics (and nothing else).
func (m *metrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	return mux
}

// statMetric is one statistic of a T exported by a statsCollector: its
// name and help, counter or gauge, and its value.
type statMetric[T any] struct {
	name, help string
	counter    bool
	value      func(T) float64
}

// statsCollector exports the statistics a function returns, read once a
// scrape, labelled with the store's db_name: the database pool's
// (sql.DBStats, under the names of client_golang's
// collectors.NewDBStatsCollector, go_sql_…, from a function rather than a
// *sql.DB: the store does not hand out its pool) and the group commit's
// (sqlstore.CommitStats).
type statsCollector[T any] struct {
	stats   func() T
	metrics []statMetric[T]
	descs   []*prometheus.Desc
}

// poolMetrics are the database pool's statistics.
var poolMetrics = []statMetric[sql.DBStats]{
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

// commitMetrics are the store's group commit.
var commitMetrics = []statMetric[sqlstore.CommitStats]{
	{"registrod_store_transactions_total", "Transactions the store's group commit ran: one a batch of writes, plus one for each retry after a write broke its transaction.",
		true, func(s sqlstore.CommitStats) float64 { return float64(s.Transactions) }},
	{"registrod_store_writes_total", "Writes those transactions ran (a retried write counts again).",
		true, func(s sqlstore.CommitStats) float64 { return float64(s.Writes) }},
	{"registrod_store_pipelined_writes_total", "Writes run in a PostgreSQL pipeline (0 on SQLite).",
		true, func(s sqlstore.CommitStats) float64 { return float64(s.Pipelined) }},
	{"registrod_store_pipeline_fallbacks_total", "PostgreSQL pipelines that failed, their batch then run again the serial way.",
		true, func(s sqlstore.CommitStats) float64 { return float64(s.Fallbacks) }},
	{"registrod_store_committer_busy_seconds_total", "Time the store's one writer (the committer) spent running batches: its rate is how saturated it is, and near 1 every write waits for it.",
		true, func(s sqlstore.CommitStats) float64 { return s.Busy.Seconds() }},
	{"registrod_store_checkpoints_total", "Checkpoints of the SQLite WAL run by the store's checkpointer, off the committer (0 on PostgreSQL).",
		true, func(s sqlstore.CommitStats) float64 { return float64(s.Checkpoints) }},
	{"registrod_store_checkpoint_failures_total", "Those checkpoints that failed; each is tried again after the next commit, and while they fail the WAL grows.",
		true, func(s sqlstore.CommitStats) float64 { return float64(s.CheckpointFailures) }},
}

// newStatsCollector returns the collector of metrics, read from stats, for
// the store of dialect dbName ("sqlite" or "postgres").
func newStatsCollector[T any](dbName string, stats func() T, metrics []statMetric[T]) *statsCollector[T] {
	c := &statsCollector[T]{stats: stats, metrics: metrics}
	for _, m := range metrics {
		c.descs = append(c.descs, prometheus.NewDesc(m.name, m.help, nil, prometheus.Labels{"db_name": dbName}))
	}
	return c
}

// Describe implements prometheus.Collector.
func (c *statsCollector[T]) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *statsCollector[T]) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	for i, m := range c.metrics {
		t := prometheus.GaugeValue
		if m.counter {
			t = prometheus.CounterValue
		}
		ch <- prometheus.MustNewConstMetric(c.descs[i], t, m.value(s))
	}
}
