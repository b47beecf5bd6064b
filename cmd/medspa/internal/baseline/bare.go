package baseline

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/messages"
)

// BareReply is the text the bare path answers every inbound text with.
const BareReply = "Thanks for your message! We will get back to you shortly."

// RunBare runs the bare path until ctx ends: the engine's gateway in front
// of JetStream, and per inbound partition a consumer that publishes a
// fixed reply command for each inbound text to the outbound stream (the
// sender delivers it) and then acks. No engine, no store work but the
// sender's. Duplicates are caught by JetStream's dedup window on the
// envelope id (inbound) and the command id (outbound), and by the sender's
// send record.
func RunBare(ctx context.Context, cfg Config) error {
	return run(ctx, cfg, true, func(ctx context.Context, s *system) (http.Handler, []part, error) {
		cfg := s.cfg
		pjs, err := s.roleJS("gateway")
		if err != nil {
			return nil, nil, err
		}
		cjs, err := s.roleJS("consumers")
		if err != nil {
			return nil, nil, err
		}
		gw := gateway.NewServer(gateway.Config{TelnyxPublicKey: cfg.TelnyxPublicKey, Clinics: s.dir, Store: cfg.Store,
			Publisher: bus.Publisher{JS: pjs}, Logger: cfg.Logger.With(slog.String("role", "gateway")),
			Metrics: gateway.NewMetrics(s.reg), Now: cfg.Now})
		b := &bare{js: cjs, log: cfg.Logger.With(slog.String("role", "bare")), now: cfg.Now}
		stream, err := cjs.Stream(ctx, messages.StreamInbound)
		if err != nil {
			return nil, nil, fmt.Errorf("inbound stream: %w", err)
		}
		consumers := make([]part, cfg.Partitions)
		for p := range consumers {
			consumers[p] = func(ctx context.Context) error { return b.consume(ctx, stream, p) }
		}
		return gw, consumers, nil
	})
}

// bare answers inbound texts without an engine.
type bare struct {
	js  jetstream.JetStream
	log *slog.Logger
	now func() time.Time
}

// consume takes partition p's messages (as the engine's pinned consumer
// would) and works them off in lanes by subject, so that a lead's messages
// stay in order while many leads proceed at once.
func (b *bare) consume(ctx context.Context, stream jetstream.Stream, p int) error {
	cons, err := stream.Consumer(ctx, messages.PartitionConsumer(p))
	if err != nil {
		return fmt.Errorf("partition %d consumer: %w", p, err)
	}
	const lanes = 16
	var wg sync.WaitGroup
	chans := make([]chan jetstream.Msg, lanes)
	for i := range chans {
		chans[i] = make(chan jetstream.Msg, 64)
		wg.Add(1)
		go func(in <-chan jetstream.Msg) {
			defer wg.Done()
			for m := range in {
				b.handle(ctx, m)
			}
		}(chans[i])
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		h := fnv.New32a()
		h.Write([]byte(m.Subject()))
		select {
		case chans[h.Sum32()%lanes] <- m:
		case <-ctx.Done():
		}
	}, jetstream.PullPriorityGroup(bus.PriorityGroup), jetstream.PullMaxMessages(1024))
	if err != nil {
		return fmt.Errorf("partition %d consume: %w", p, err)
	}
	<-ctx.Done()
	cc.Drain()
	<-cc.Closed()
	for _, c := range chans {
		close(c)
	}
	wg.Wait()
	return nil
}

// handle publishes the reply command of one inbound text and acks it; a
// failed publish leaves the message to redelivery.
func (b *bare) handle(ctx context.Context, m jetstream.Msg) {
	env, err := messages.DecodeEnvelope(m.Data())
	if err != nil {
		_ = m.TermWithReason("invalid")
		return
	}
	if env.SMS == nil {
		_ = m.Ack()
		return
	}
	cmd := ReplyCommand(env, b.now(), bus.Origin(m.Headers()))
	data, err := json.Marshal(cmd)
	if err != nil {
		_ = m.TermWithReason("encode")
		return
	}
	out := nats.NewMsg(messages.SendSubject(cmd.ClinicID, cmd.LeadID))
	out.Data = data
	out.Header.Set(jetstream.MsgIDHeader, cmd.ID)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := b.js.PublishMsg(pctx, out); err != nil {
		b.log.Warn("publish reply command; left to redelivery", slog.String("error", err.Error()))
		_ = m.NakWithDelay(time.Second)
		return
	}
	_ = m.Ack()
}

// ReplyCommand is the bare path's answer to an inbound text: BareReply from
// the number texted, with an id derived from the envelope id so a
// redelivered message yields the same command.
func ReplyCommand(env messages.Envelope, now, origin time.Time) messages.SendSMS {
	if origin.IsZero() {
		origin = env.Received
	}
	return messages.SendSMS{V: messages.Version, ID: env.ID + "#0", ClinicID: env.ClinicID, LeadID: env.LeadID,
		Carrier: env.SMS.Carrier, From: env.SMS.To, To: env.SMS.From, Text: BareReply, Purpose: messages.PurposeReply,
		Created: now, Origin: origin}
}
