// Package stage times the steps a message takes through the system, as one
// Prometheus histogram, medspa_stage_seconds{stage}, shared by every role of
// a process: where an inbound text and its reply spend their time.
//
// The stages, in the order a text meets them:
//
//	gateway        webhook received -> answered (verify, parse, publish)
//	publish        the gateway's durable JetStream publish (PubAck)
//	delivery       accepted at the gateway -> delivered to an engine node
//	actor_queue    delivered -> its conversation's actor starts on it
//	decide         the pure decision and the commit's rows
//	commit         the commit handed to the group committer -> stored
//	relay          committed -> the outbox row's PubAck
//	send_delivery  command created -> taken by a sender lane
//	send_checks    the sender's reads: send record, recipient, consent
//	send_intent    the in-flight record stored before the carrier call
//	carrier        the carrier API call
//	send_record    carrier accepted -> send record stored and acked
package stage

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The stage label values.
const (
	Gateway      = "gateway"
	Publish      = "publish"
	Delivery     = "delivery"
	ActorQueue   = "actor_queue"
	Decide       = "decide"
	Commit       = "commit"
	Relay        = "relay"
	SendDelivery = "send_delivery"
	SendChecks   = "send_checks"
	SendIntent   = "send_intent"
	Carrier      = "carrier"
	SendRecord   = "send_record"
)

// Metric is the histogram's name.
const Metric = "medspa_stage_seconds"

// Timer observes stage durations. The nil Timer observes nothing.
type Timer struct {
	h *prometheus.HistogramVec
}

// New returns the process's stage histogram registered with reg: the one
// already there when another role registered it first. A nil reg gives a
// Timer of its own.
func New(reg prometheus.Registerer) *Timer {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: Metric,
		Help:    "Time a message spends in each stage of the pipeline (internal/stage).",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"stage"})
	if reg == nil {
		return &Timer{h: h}
	}
	if err := reg.Register(h); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(*prometheus.HistogramVec); ok {
				return &Timer{h: existing}
			}
		}
		panic(err) // a different collector under this name: a programming error
	}
	return &Timer{h: h}
}

// Observe records d for stage; a negative d (clocks of two nodes) is
// dropped.
func (t *Timer) Observe(stage string, d time.Duration) {
	if t == nil || d < 0 {
		return
	}
	t.h.WithLabelValues(stage).Observe(d.Seconds())
}

// Since records the time from start to now for stage; a zero start is
// dropped.
func (t *Timer) Since(stage string, start, now time.Time) {
	if start.IsZero() {
		return
	}
	t.Observe(stage, now.Sub(start))
}
