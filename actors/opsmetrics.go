package actors

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/conversation"
)

// opsMetrics are the engine's operator metrics derived from applied
// commits and from the deliveries in flight.
//
// medspa_conversations_by_phase is a census of the store kept up to date by
// the commits (phases.go).
//
// protoactor exposes no cheap mailbox length, so medspa_inflight_messages
// (deliveries handed to conversation actors and not finished) stands for
// mailbox depth.
type opsMetrics struct {
	phases   *phaseCensus
	optOuts  prometheus.Counter
	inflight prometheus.GaugeFunc
	source   atomic.Pointer[atomic.Int64] // the engine's in-flight count
}

func newOpsMetrics() *opsMetrics {
	o := &opsMetrics{
		phases:  newPhaseCensus(),
		optOuts: prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_opt_outs_total", Help: "opted.out events committed (STOP texts and carrier opt-outs)."}),
	}
	o.inflight = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "medspa_inflight_messages",
		Help: "Inbound deliveries handed to conversation actors and not finished (stands for mailbox depth)."}, func() float64 {
		if n := o.source.Load(); n != nil {
			return float64(n.Load())
		}
		return 0
	})
	return o
}

func (o *opsMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{o.phases, o.optOuts, o.inflight}
}

// watchInflight makes medspa_inflight_messages read the engine's count.
func (m *Metrics) watchInflight(n *atomic.Int64) { m.ops.source.Store(n) }

// committed records a decision of a conversation of clinic once the store
// has it; from is the phase the conversation was stored in ("" when it was
// not stored).
func (m *Metrics) committed(clinic, from string, d decision) {
	m.ops.phases.move(clinic, from, string(d.step.State.Phase))
	for _, eff := range d.step.Effects {
		if ev, ok := eff.(conversation.Event); ok && ev.Type == conversation.EventOptedOut {
			m.ops.optOuts.Inc()
		}
	}
}
