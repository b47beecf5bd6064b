package sender

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/stage"
)

// Metrics are the sender's Prometheus metrics.
type Metrics struct {
	sent        *prometheus.CounterVec
	failed      *prometheus.CounterVec
	retries     *prometheus.CounterVec
	duplicates  prometheus.Counter
	deadLetters *prometheus.CounterVec
	endToEnd    prometheus.Histogram
	// quietDeferrals counts initiated texts put back until the
	// recipient's window opens; suppressed counts texts not sent by rule.
	quietDeferrals prometheus.Counter
	suppressed     *prometheus.CounterVec
	speedToLead    *prometheus.HistogramVec
	// inDoubt counts commands found in flight after a crash: put back to
	// wait for their receipt, or sent once more when none came.
	inDoubt *prometheus.CounterVec
	stages  *stage.Timer
}

// NewMetrics registers the sender's metrics.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		sent:        prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_replies_sent_total", Help: "Texts accepted by a carrier."}, []string{"carrier"}),
		failed:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_replies_failed_total", Help: "Texts that could not be handed to a carrier."}, []string{"carrier", "reason"}),
		retries:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_send_retries_total", Help: "Carrier calls retried after a retryable failure."}, []string{"carrier"}),
		duplicates:  prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_send_duplicates_total", Help: "Send commands already on record, acked without sending."}),
		deadLetters: bus.NewDeadLetterCounter("sms"),
		endToEnd: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "medspa_reply_latency_seconds", Help: "From inbound accepted at the gateway to reply accepted by the carrier.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}),
		quietDeferrals: prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_quiet_hours_deferrals_total", Help: "Initiated texts put back by the sender until the recipient's window opens."}),
		suppressed:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_sends_suppressed_total", Help: "Send commands not handed to a carrier by rule."}, []string{"reason"}),
		speedToLead:    newSpeedToLead(),
		inDoubt: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_sends_in_doubt_total",
			Help: "Send commands found in flight after a crash: waiting for their receipt, or sent again when none came."}, []string{"outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.sent, m.failed, m.retries, m.duplicates, m.deadLetters, m.endToEnd, m.quietDeferrals, m.suppressed, m.speedToLead, m.inDoubt)
	}
	m.stages = stage.New(reg)
	return m
}
