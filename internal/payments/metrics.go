package payments

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/bus"
)

// Metrics are the payments worker's Prometheus metrics.
type Metrics struct {
	commands    *prometheus.CounterVec
	retries     *prometheus.CounterVec
	deadLetters *prometheus.CounterVec
}

// NewMetrics registers the worker's metrics with reg (none when nil).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_payment_commands_total",
			Help: "Payment commands handled, by command and outcome."}, []string{"command", "outcome"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_stripe_retries_total",
			Help: "Stripe calls retried after a retryable failure."}, []string{"command"}),
		deadLetters: bus.NewDeadLetterCounter("payment"),
	}
	if reg != nil {
		reg.MustRegister(m.commands, m.retries, m.deadLetters)
	}
	return m
}
