package baseline

import (
	"context"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/persistence"
)

// relay publishes committed outbox rows, like the engine's: rows handed
// over after commit go out at once, a sweep every second publishes what is
// older than 3 s, and published rows are deleted in batches.
type relay struct {
	js    jetstream.JetStream
	store persistence.Store
	log   *slog.Logger
	now   func() time.Time
	queue chan persistence.OutboxRow

	published []string
}

func newRelay(js jetstream.JetStream, store persistence.Store, log *slog.Logger, now func() time.Time) *relay {
	return &relay{js: js, store: store, log: log, now: now, queue: make(chan persistence.OutboxRow, 8192)}
}

func (r *relay) enqueue(rows []persistence.OutboxRow) {
	for _, row := range rows {
		select {
		case r.queue <- row:
		default: // full: the sweep publishes it
		}
	}
}

func (r *relay) run(ctx context.Context) error {
	sweep := time.NewTicker(time.Second)
	defer sweep.Stop()
	flush := time.NewTicker(100 * time.Millisecond)
	defer flush.Stop()
	batch := make([]persistence.OutboxRow, 0, 256)
	for {
		batch = batch[:0]
		select {
		case <-ctx.Done():
			r.markPublished(context.WithoutCancel(ctx))
			return nil
		case <-sweep.C:
			rows, err := r.store.PendingOutbox(ctx, r.now().Add(-3*time.Second), 500)
			if err != nil {
				r.log.Warn("outbox sweep", slog.String("error", err.Error()))
				continue
			}
			r.publish(ctx, rows)
			continue
		case <-flush.C:
			r.markPublished(ctx)
			continue
		case row := <-r.queue:
			batch = append(batch, row)
		}
	fill:
		for len(batch) < cap(batch) {
			select {
			case row := <-r.queue:
				batch = append(batch, row)
			default:
				break fill
			}
		}
		r.publish(ctx, batch)
	}
}

// publish sends rows asynchronously and remembers the acked ones for
// deletion; a row that fails stays for the sweep.
func (r *relay) publish(ctx context.Context, rows []persistence.OutboxRow) {
	type pending struct {
		id string
		f  jetstream.PubAckFuture
	}
	futures := make([]pending, 0, len(rows))
	for _, row := range rows {
		m := nats.NewMsg(row.Subject)
		m.Data = row.Payload
		m.Header.Set(jetstream.MsgIDHeader, row.ID)
		f, err := r.js.PublishMsgAsync(m)
		if err != nil {
			continue
		}
		futures = append(futures, pending{row.ID, f})
	}
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for _, p := range futures {
		select {
		case <-p.f.Ok():
			r.published = append(r.published, p.id)
		case <-p.f.Err():
		case <-timeout.C:
			return
		case <-ctx.Done():
			return
		}
	}
	if len(r.published) >= 512 {
		r.markPublished(ctx)
	}
}

func (r *relay) markPublished(ctx context.Context) {
	if len(r.published) == 0 {
		return
	}
	if err := r.store.MarkPublished(ctx, r.published); err != nil {
		r.log.Warn("outbox mark published", slog.String("error", err.Error()))
		return
	}
	r.published = r.published[:0]
}
