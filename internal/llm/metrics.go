package llm

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of a model call, the label of medspa_llm_requests_total.
const (
	OutcomeOK          = "ok"           // the model answered and its output was valid
	OutcomeRejected    = "rejected"     // valid understanding, suggested reply refused by the guardrails
	OutcomeInvalid     = "invalid"      // malformed JSON or values outside the vocabulary
	OutcomeTimeout     = "timeout"      // the deadline passed
	OutcomeError       = "error"        // HTTP or transport failure
	OutcomeBreakerOpen = "breaker_open" // not called: the breaker is open
	OutcomeSkipped     = "skipped"      // not called: turned off, injection, medical or hand-off
)

// Metrics of the model adapter. A nil *Metrics records nothing.
type Metrics struct {
	requests *prometheus.CounterVec
	latency  prometheus.Histogram
	tokens   *prometheus.CounterVec
}

// NewMetrics registers the adapter's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_llm_requests_total",
			Help: "Language model requests by outcome."}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "medspa_llm_latency_seconds",
			Help:    "Time from asking the model to a usable answer or giving up, retries included.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10}}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_llm_tokens_total",
			Help: "Tokens reported by the model, by kind (prompt, completion)."}, []string{"kind"}),
	}
	for _, o := range []string{OutcomeOK, OutcomeRejected, OutcomeInvalid, OutcomeTimeout, OutcomeError, OutcomeBreakerOpen, OutcomeSkipped} {
		m.requests.WithLabelValues(o)
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.latency, m.tokens)
	}
	return m
}

func (m *Metrics) outcome(o string) {
	if m != nil {
		m.requests.WithLabelValues(o).Inc()
	}
}

func (m *Metrics) observe(d time.Duration, u Usage) {
	if m == nil {
		return
	}
	m.latency.Observe(d.Seconds())
	if u.PromptTokens > 0 {
		m.tokens.WithLabelValues("prompt").Add(float64(u.PromptTokens))
	}
	if u.CompletionTokens > 0 {
		m.tokens.WithLabelValues("completion").Add(float64(u.CompletionTokens))
	}
}
