package bus

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/messages"
)

// PendingCollector reports the work waiting in the engine's JetStream
// consumers: for every consumer of MEDSPA_IN (the engine-p<N> partitions)
// and MEDSPA_OUT (sender, payments), medspa_jetstream_pending{consumer} is
// the messages not yet delivered plus those delivered and not yet acked.
// It also reports medspa_dead_letters{source}: the messages in the
// dead-letter stream now, by source (inbound, sms, payment), which replaying
// or dropping them (`medspa dlq`) brings down.
// It polls the consumers' and the dead-letter stream's info every Interval;
// every process that runs it reports the same numbers, so dashboards take
// the max per series.
type PendingCollector struct {
	JS       jetstream.JetStream
	Interval time.Duration // default 5s
	Logger   *slog.Logger

	pending *prometheus.GaugeVec
	dead    *prometheus.GaugeVec
}

// DeadSources are the sources of dead letters (messages.DeadSubject).
var DeadSources = []string{"inbound", "sms", "payment"}

// NewPendingCollector registers medspa_jetstream_pending with reg (when
// not nil).
func NewPendingCollector(js jetstream.JetStream, reg prometheus.Registerer, log *slog.Logger) *PendingCollector {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &PendingCollector{JS: js, Interval: 5 * time.Second, Logger: log,
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "medspa_jetstream_pending",
			Help: "Messages of a JetStream consumer not yet delivered plus delivered and not yet acked."}, []string{"consumer"}),
		dead: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "medspa_dead_letters",
			Help: "Messages in the dead-letter stream now, by source (medspa dlq list; replay and drop remove them)."}, []string{"source"}),
	}
	if reg != nil {
		reg.MustRegister(c.pending, c.dead)
	}
	return c
}

// Run polls until ctx ends. A failed poll is logged and tried again at the
// next tick; the last numbers stay meanwhile.
func (c *PendingCollector) Run(ctx context.Context) error {
	t := time.NewTicker(c.Interval)
	defer t.Stop()
	for {
		if err := c.Poll(ctx); err != nil && ctx.Err() == nil {
			c.Logger.Warn("poll jetstream consumers", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Poll reads the consumers once and sets the gauge; consumers that are
// gone lose their series.
func (c *PendingCollector) Poll(ctx context.Context) error {
	counts := map[string]uint64{}
	for _, name := range []string{messages.StreamInbound, messages.StreamOutbound} {
		if err := consumerPending(ctx, c.JS, name, counts); err != nil {
			return err
		}
	}
	dead, err := DeadCounts(ctx, c.JS)
	if err != nil {
		return err
	}
	c.pending.Reset()
	for name, n := range counts {
		c.pending.WithLabelValues(name).Set(float64(n))
	}
	for source, n := range dead {
		c.dead.WithLabelValues(source).Set(float64(n))
	}
	return nil
}

// DeadCounts returns the number of messages in the dead-letter stream by
// source; every known source is listed, with 0 when it has none.
func DeadCounts(ctx context.Context, js jetstream.JetStream) (map[string]uint64, error) {
	st, err := js.Stream(ctx, messages.StreamDead)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", messages.StreamDead, err)
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(messages.SubjectDead+".>"))
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", messages.StreamDead, err)
	}
	out := make(map[string]uint64, len(DeadSources))
	for _, s := range DeadSources {
		out[s] = 0
	}
	for subject, n := range info.State.Subjects {
		out[strings.TrimPrefix(subject, messages.SubjectDead+".")] += n
	}
	return out, nil
}

func consumerPending(ctx context.Context, js jetstream.JetStream, stream string, into map[string]uint64) error {
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return fmt.Errorf("stream %s: %w", stream, err)
	}
	list := st.ListConsumers(ctx)
	for info := range list.Info() {
		into[info.Name] = info.NumPending + uint64(info.NumAckPending)
	}
	if err := list.Err(); err != nil {
		return fmt.Errorf("list consumers of %s: %w", stream, err)
	}
	return nil
}
