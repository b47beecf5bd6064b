package actors

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/conversation"
)

// opsMetrics are the engine's operator metrics derived from applied
// commits and from the deliveries in flight.
//
// The store keeps no count of conversations by phase, and counting rows on
// every scrape costs too much, so medspa_conversations_by_phase counts
// transitions instead: each stored commit adds one to the phase it enters
// and takes one from the phase it leaves. Its values cover this process's
// lifetime only (they start at zero, and a phase left by a conversation
// that entered it before the start goes below zero); sum it over the
// engine nodes and read it as the net flow since they started.
//
// protoactor exposes no cheap mailbox length, so medspa_inflight_messages
// (deliveries handed to conversation actors and not finished) stands for
// mailbox depth.
type opsMetrics struct {
	phases   *prometheus.GaugeVec
	optOuts  prometheus.Counter
	inflight prometheus.GaugeFunc
	source   atomic.Pointer[atomic.Int64] // the engine's in-flight count
}

func newOpsMetrics() *opsMetrics {
	o := &opsMetrics{
		phases: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "medspa_conversations_by_phase",
			Help: "Conversations that entered minus those that left each phase through this process since it started (net flow, not a total)."}, []string{"phase"}),
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

// committed records a decision once the store has it.
func (m *Metrics) committed(d decision) {
	var from conversation.Phase
	if d.prev != nil {
		from = d.prev.Phase
	}
	if to := d.next.Phase; from != to {
		if from != "" {
			m.ops.phases.WithLabelValues(string(from)).Dec()
		}
		if to != "" {
			m.ops.phases.WithLabelValues(string(to)).Inc()
		}
	}
	for _, eff := range d.effects {
		if ev, ok := eff.(conversation.Event); ok && ev.Type == conversation.EventOptedOut {
			m.ops.optOuts.Inc()
		}
	}
}
