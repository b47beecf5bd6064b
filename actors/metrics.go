package actors

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/outbox"
	"github.com/medspa/engine/internal/stage"
)

// Metrics are the engine's Prometheus metrics.
type Metrics struct {
	processed       *prometheus.CounterVec
	latency         prometheus.Histogram
	activeLeads     prometheus.Gauge
	passivated      prometheus.Counter
	retries         *prometheus.CounterVec
	deadLetters     *prometheus.CounterVec
	batchSize       prometheus.Histogram
	commitTime      prometheus.Histogram
	queued          prometheus.Histogram
	outbox          *outbox.Metrics
	catchUp         prometheus.Counter
	timersFired     prometheus.Counter
	timerLag        prometheus.Histogram
	partitionsOwned prometheus.Gauge
	settingsUpdates prometheus.Counter
	keptAlive       prometheus.Counter
	restarted       prometheus.Counter
	brokenCalendars prometheus.Gauge
	ops             *opsMetrics
	calendar        *calendarMetrics
	stages          *stage.Timer
}

// NewMetrics registers the engine's metrics.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		processed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_messages_processed_total",
			Help: "Inbound messages handled by conversation actors, by kind and outcome (applied, duplicate, dead_letter)."}, []string{"kind", "outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "medspa_processing_seconds",
			Help:    "From delivery to the engine to commit and ack.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}),
		activeLeads: prometheus.NewGauge(prometheus.GaugeOpts{Name: "medspa_actors_active", Help: "Conversation actors in memory.", ConstLabels: prometheus.Labels{"kind": "lead"}}),
		passivated:  prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_actors_passivated_total", Help: "Idle conversation actors stopped."}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_processing_retries_total",
			Help: "Retries of an inbound message in place, by reason (store, version_conflict; and decide_failed, store_rejected, snapshot_undecodable, which are dead-lettered after a few tries)."}, []string{"reason"}),
		deadLetters: bus.NewDeadLetterCounter("inbound"),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "medspa_commit_batch_size", Help: "Commits per store transaction (group commit).",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}}),
		commitTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "medspa_commit_seconds", Help: "Duration of one group-commit store transaction.",
			Buckets: []float64{.0005, .001, .002, .004, .008, .016, .032, .064, .128, .256, .512, 1}}),
		queued: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "medspa_lead_queue_seconds", Help: "From delivery to this node until the conversation's actor starts on the message (mailboxes and earlier messages of the lead).",
			Buckets: []float64{.0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1}}),
		outbox:      outbox.NewMetrics(reg),
		catchUp:     prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_catchup_applied_total", Help: "Earlier pending messages applied ahead of a newer one after activation (ordering across failover)."}),
		timersFired: prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_timers_fired_total", Help: "Durable timers delivered to their conversations."}),
		timerLag: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "medspa_timer_lag_seconds", Help: "From a timer's due time to its publication.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}),
		partitionsOwned: prometheus.NewGauge(prometheus.GaugeOpts{Name: "medspa_partitions_owned", Help: "Inbound partitions this engine node consumes now."}),
		settingsUpdates: prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_settings_updates_total", Help: "Clinic settings updates applied by this node's clinic actors."}),
		keptAlive: prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_inbound_kept_alive_total",
			Help: "In-progress acks sent for inbound messages held longer than a third of the inbound ack wait."}),
		restarted: prometheus.NewCounter(prometheus.CounterOpts{Name: "medspa_conversations_restarted_total",
			Help: "Conversations started again from a new state because their stored snapshot could not be decoded (the snapshot is kept in the dead letter)."}),
		brokenCalendars: prometheus.NewGauge(prometheus.GaugeOpts{Name: "medspa_clinic_calendars_unreadable",
			Help: "Clinics of this node whose stored calendar cannot be decoded: their holds are refused until it is repaired."}),
		ops:      newOpsMetrics(),
		calendar: newCalendarMetrics(),
	}
	if reg != nil {
		reg.MustRegister(m.processed, m.latency, m.activeLeads, m.passivated, m.retries, m.deadLetters, m.batchSize, m.commitTime, m.queued,
			m.catchUp, m.timersFired, m.timerLag, m.partitionsOwned, m.settingsUpdates, m.keptAlive, m.restarted, m.brokenCalendars)
		reg.MustRegister(m.ops.collectors()...)
		reg.MustRegister(m.calendar.collectors()...)
	}
	m.stages = stage.New(reg)
	return m
}
