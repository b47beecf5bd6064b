package outbox

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/stage"
)

// Metrics are the relay's Prometheus metrics.
type Metrics struct {
	overflow  prometheus.Counter
	backlog   prometheus.Gauge
	age       prometheus.Gauge
	published prometheus.Counter
	swept     prometheus.Counter
	stages    *stage.Timer
}

// NewMetrics registers the relay's metrics with reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		overflow:  prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_outbox_relay_overflow_total", Help: "Outbox rows left to the sweep because the fast path was full."}),
		backlog:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "medspa_outbox_backlog", Help: "Outbox rows not yet published."}),
		age:       prometheus.NewGauge(prometheus.GaugeOpts{Name: "medspa_outbox_oldest_seconds", Help: "Age of the oldest unpublished outbox row."}),
		published: prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_outbox_published_total", Help: "Outbox rows published to JetStream."}),
		swept:     prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_outbox_swept_total", Help: "Outbox rows published by the sweep rather than the fast path."}),
	}
	if reg != nil {
		reg.MustRegister(m.overflow, m.backlog, m.age, m.published, m.swept)
	}
	m.stages = stage.New(reg)
	return m
}
