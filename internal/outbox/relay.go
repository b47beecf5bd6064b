// Package outbox publishes committed outbox rows to JetStream: right after
// commit (the fast path) and, for whatever a crash left behind, by a sweep.
package outbox

import (
	"context"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/stage"
	"github.com/medspa/engine/internal/wait"
	"github.com/medspa/engine/persistence"
)

// Store is what the relay reads and deletes of the outbox
// (persistence.Store has it).
type Store interface {
	PendingOutbox(ctx context.Context, olderThan time.Time, limit int) ([]persistence.OutboxRow, error)
	MarkPublished(ctx context.Context, ids []string) error
	OutboxBacklog(ctx context.Context, now time.Time) (n int, oldest time.Duration, err error)
}

// Relay publishes committed outbox rows to JetStream and deletes them once
// stored. Rows handed over right after commit go out at once (the fast
// path); a sweep publishes whatever a crash left behind. Both publish with
// Nats-Msg-Id = row id, and the sender dedups on the command id, so a row
// published twice is still sent once.
type Relay struct {
	js      jetstream.JetStream
	store   Store
	log     *slog.Logger
	now     func() time.Time
	queue   chan persistence.OutboxRow
	sweep   time.Duration // how often to look for stragglers
	grace   time.Duration // a row older than this is a straggler
	metrics *Metrics

	published []string // published, not yet deleted
}

// New returns a relay that sweeps every second for rows older than 3 s.
// metrics may be nil.
func New(js jetstream.JetStream, store Store, log *slog.Logger, now func() time.Time, metrics *Metrics) *Relay {
	if metrics == nil {
		metrics = NewMetrics(nil)
	}
	return &Relay{js: js, store: store, log: log, now: now, queue: make(chan persistence.OutboxRow, 8192),
		sweep: time.Second, grace: 3 * time.Second, metrics: metrics}
}

// Enqueue hands committed rows to the fast path; when it is full the sweep
// publishes them.
func (r *Relay) Enqueue(rows []persistence.OutboxRow) {
	for _, row := range rows {
		select {
		case r.queue <- row:
		default:
			// Full: the sweep will publish it; nothing is lost.
			r.metrics.overflow.Inc()
		}
	}
}

// Run publishes until ctx ends.
func (r *Relay) Run(ctx context.Context) {
	tick := time.NewTicker(r.sweep)
	defer tick.Stop()
	flush := time.NewTicker(100 * time.Millisecond)
	defer flush.Stop()
	batch := make([]persistence.OutboxRow, 0, 256)
	for {
		batch = batch[:0]
		select {
		case <-ctx.Done():
			r.markPublished(context.WithoutCancel(ctx))
			return
		case <-tick.C:
			r.sweepOnce(ctx)
			continue
		case <-flush.C:
			r.markPublished(ctx)
			continue
		case row := <-r.queue:
			batch = append(batch, row)
		}
		batch = wait.Gather(r.queue, batch, cap(batch))
		r.publish(ctx, batch)
	}
}

func (r *Relay) sweepOnce(ctx context.Context) {
	rows, err := r.store.PendingOutbox(ctx, r.now().Add(-r.grace), 500)
	if err != nil {
		r.log.Warn("outbox sweep", slog.String("error", err.Error()))
		return
	}
	if n, oldest, err := r.store.OutboxBacklog(ctx, r.now()); err == nil {
		r.metrics.backlog.Set(float64(n))
		r.metrics.age.Set(oldest.Seconds())
	}
	if len(rows) > 0 {
		r.metrics.swept.Add(float64(len(rows)))
		r.publish(ctx, rows)
	}
}

// publish sends rows asynchronously, waits for their acks and deletes the
// stored ones. A row that fails stays in the outbox for the next sweep.
func (r *Relay) publish(ctx context.Context, rows []persistence.OutboxRow) {
	type pending struct {
		id      string
		created time.Time
		f       jetstream.PubAckFuture
	}
	futures := make([]pending, 0, len(rows))
	for _, row := range rows {
		m := nats.NewMsg(row.Subject)
		m.Data = row.Payload
		m.Header.Set(jetstream.MsgIDHeader, row.ID)
		f, err := r.js.PublishMsgAsync(m)
		if err != nil {
			r.log.Warn("outbox publish", slog.String("outbox_id", row.ID), slog.String("error", err.Error()))
			continue
		}
		futures = append(futures, pending{row.ID, row.Created, f})
	}
	done := make([]string, 0, len(futures))
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
wait:
	for _, p := range futures {
		select {
		case <-p.f.Ok():
			done = append(done, p.id)
			r.metrics.stages.Since(stage.Relay, p.created, r.now())
		case err := <-p.f.Err():
			r.log.Warn("outbox publish", slog.String("outbox_id", p.id), slog.String("error", err.Error()))
		case <-timeout.C:
			r.log.Warn("outbox publish: no ack in 10s; left for the sweep")
			break wait
		case <-ctx.Done():
			return
		}
	}
	r.metrics.published.Add(float64(len(done)))
	r.published = append(r.published, done...)
	if len(r.published) >= 512 {
		r.markPublished(ctx)
	}
}

// markPublished deletes the rows published since the last call. Deleting
// is off the latency path and batched: one write for many rows. A row whose
// deletion fails or has not happened yet is at worst published again by the
// sweep, and JetStream's dedup and the sender's record make that harmless.
func (r *Relay) markPublished(ctx context.Context) {
	if len(r.published) == 0 {
		return
	}
	if err := r.store.MarkPublished(ctx, r.published); err != nil {
		r.log.Warn("outbox mark published", slog.String("error", err.Error()))
		return
	}
	r.published = r.published[:0]
}
