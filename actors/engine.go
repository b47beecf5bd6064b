// Package actors is the imperative shell around the conversation core: it
// consumes the inbound partitions of JetStream, routes each message to a
// partition, clinic and lead actor (protoactor-go), runs the pure decision
// function, commits the result with a version fence, acks, and publishes the
// effects from the outbox.
package actors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/outbox"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// Store is what the engine reads and writes (persistence.Store has it):
// conversations through the committer and the relay, timers, the clinic
// actors' calendars and settings, and the census of phases.
type Store interface {
	batchStore
	outbox.Store
	LoadSnapshot(ctx context.Context, clinicID, leadID string) (persistence.Snapshot, error)
	ConversationsByPhase(ctx context.Context) ([]persistence.PhaseCount, error)
	DueTimers(ctx context.Context, t time.Time, limit int) ([]persistence.Timer, error)
	DeleteTimers(ctx context.Context, fired []persistence.Timer) error
	LoadClinic(ctx context.Context, clinicID string) (persistence.ClinicSnapshot, error)
	SaveClinic(ctx context.Context, s persistence.ClinicSnapshot) error
	LoadClinicSettings(ctx context.Context, clinicID string) (persistence.ClinicSettings, error)
	SaveClinicSettings(ctx context.Context, s persistence.ClinicSettings) error
}

// Config configures an Engine.
type Config struct {
	JS       jetstream.JetStream
	Store    Store
	Clinics  *directory.Directory
	Topology bus.Topology
	Logger   *slog.Logger
	Metrics  *Metrics
	Now      func() time.Time
	// Assistant, when set, is a language model consulted before each
	// decision on an inbound text (LLM_BASE_URL).
	Assistant Assistant
	// DepositURL is the public page of an appointment's deposit, where a
	// deposit checkout returns (gateway.DepositURL); deposits cannot be
	// asked for without it.
	DepositURL func(clinicID, leadID, appointmentID string) string
	// Partitions this node consumes; nil means all of them. Ignored when
	// Placement is set.
	Partitions []int
	// Placement, when set, shares the partitions with the other live engine
	// nodes instead of consuming Partitions: see placement.go.
	Placement *Placement
	// IdleTimeout passivates a conversation actor after this long without
	// a message (default 2m).
	IdleTimeout time.Duration
	// Committers is the number of concurrent store transactions (default 2).
	Committers int
	// MaxBatch bounds the commits of one transaction (default 128).
	MaxBatch int
	// TimerPoll is how often due timers are looked for (default 250ms).
	TimerPoll time.Duration
	// MaxAttempts bounds how often a message whose decision fails is
	// tried before it is dead-lettered (default 3). Store errors are retried
	// in place until the store answers.
	MaxAttempts int
	// CalendarSync, when set, syncs the providers' external calendars
	// (actors/calsync.go).
	CalendarSync *CalendarSync
}

func (c *Config) defaults() {
	if c.Now == nil {
		c.Now = clock.Real
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Metrics == nil {
		c.Metrics = NewMetrics(nil)
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 2 * time.Minute
	}
	if c.Committers <= 0 {
		c.Committers = 2
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 128
	}
	if c.TimerPoll <= 0 {
		c.TimerPoll = 250 * time.Millisecond
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 3
	}
	if c.Partitions == nil {
		for p := 0; p < c.Topology.Partitions; p++ {
			c.Partitions = append(c.Partitions, p)
		}
	}
}

// Engine is one engine node.
type Engine struct {
	cfg    Config
	system *actor.ActorSystem
	stream jetstream.Stream
	commit *committer
	relay  *outbox.Relay
	ctx    context.Context // work context: outlives a shutdown request by a grace period
	parts  partitions      // the partitions consumed now

	inflight atomic.Int64 // deliveries handed to actors and not finished
	live     sync.Map     // "clinic/lead" -> *actor.PID of the conversations in memory
	cals     *calendarSyncer
	mailbox  *workers // runs the clinic and lead actors' mailboxes
}

// New returns an engine; Run starts it.
func New(cfg Config) *Engine {
	cfg.defaults()
	e := &Engine{cfg: cfg}
	cfg.Metrics.watchInflight(&e.inflight)
	return e
}

// Run consumes the configured partitions until ctx ends, then stops the
// actors and waits for in-flight work.
func (e *Engine) Run(ctx context.Context) error {
	stream, err := e.cfg.JS.Stream(ctx, messages.StreamInbound)
	if err != nil {
		return fmt.Errorf("inbound stream: %w", err)
	}
	e.stream = stream
	// Work in flight finishes on its own context, so that a shutdown lets
	// started messages commit and ack instead of leaving them to redelivery.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	e.ctx = work
	e.assemble()

	var wg sync.WaitGroup
	bg := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(work) }()
	}
	halt := func() {
		stopWork()
		e.system.Shutdown()
		e.mailbox.stop()
		wg.Wait()
	}
	e.startLoops(bg)
	subs := e.serveRequests(ctx, bg)
	defer unsubscribe(subs)

	placed, err := e.startConsuming(ctx)
	if err != nil {
		e.stopPartitions(nil, 0)
		halt()
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}
	<-ctx.Done()
	<-placed
	e.stopPartitions(nil, 10*time.Second)
	e.awaitIdle(10 * time.Second)
	halt()
	e.cfg.Logger.Info("engine stopped")
	return nil
}

// assemble makes the actor system, the committer and the outbox relay.
func (e *Engine) assemble() {
	logger := e.cfg.Logger
	e.mailbox = newWorkers(300, 256)
	e.system = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return logger.With(slog.String("component", "protoactor"))
	}))
	e.commit = newCommitter(e.cfg.Store, e.cfg.Committers, e.cfg.MaxBatch, func(n int, took time.Duration) {
		e.cfg.Metrics.batchSize.Observe(float64(n))
		e.cfg.Metrics.commitTime.Observe(took.Seconds())
	})
	e.relay = outbox.New(e.cfg.JS, e.cfg.Store, logger, e.cfg.Now, e.cfg.Metrics.outbox)
}

// startLoops starts, through bg, the loops that run for as long as the
// node works: the committers, the outbox relay, the timers, the keep-alive
// of held messages and the recount of phases.
func (e *Engine) startLoops(bg func(func(context.Context))) {
	for i := 0; i < e.cfg.Committers; i++ {
		bg(e.commit.run)
	}
	bg(e.relay.Run)
	bg(e.timerLoop)
	bg(e.keepAlive)
	bg(e.recountLoop)
}

// serveRequests answers what other processes ask of this node: live
// states, settings updates, calendar blocks and, when calendars are synced
// (whose loop it starts through bg), calendar syncs. A subscription that
// fails is logged; the others still serve. It returns the subscriptions
// made.
func (e *Engine) serveRequests(ctx context.Context, bg func(func(context.Context))) []*nats.Subscription {
	var subs []*nats.Subscription
	serve := func(what string, subscribe func(*nats.Conn) (*nats.Subscription, error)) {
		sub, err := subscribe(e.cfg.JS.Conn())
		if err != nil {
			e.cfg.Logger.Warn(what+" will not be answered", slog.String("error", err.Error()))
			return
		}
		subs = append(subs, sub)
	}
	serve("live state requests", e.serveLiveState)
	serve("settings updates", e.serveSettings)
	serve("calendar blocks", e.serveBlocks)
	if e.cfg.CalendarSync != nil {
		e.cals = newCalendarSyncer(e, *e.cfg.CalendarSync)
		bg(func(context.Context) { e.cals.loop(ctx) })
		serve("calendar sync requests", func(nc *nats.Conn) (*nats.Subscription, error) { return e.serveCalendarSync(nc, e.cals) })
	}
	return subs
}

// unsubscribe ends subs, the last made first.
func unsubscribe(subs []*nats.Subscription) {
	for i := len(subs) - 1; i >= 0; i-- {
		_ = subs[i].Unsubscribe()
	}
}

// startConsuming starts consuming the inbound partitions: those placement
// gives this node when Placement is set (placed is closed once placement
// has stopped, after ctx ends), else the configured ones (placed is closed
// already).
func (e *Engine) startConsuming(ctx context.Context) (placed <-chan struct{}, err error) {
	done := make(chan struct{})
	if e.cfg.Placement != nil {
		go func() { defer close(done); e.place(ctx, *e.cfg.Placement) }()
		return done, nil
	}
	close(done)
	e.countPhases(ctx, e.cfg.Partitions)
	for _, p := range e.cfg.Partitions {
		if err := e.startPartition(ctx, p); err != nil {
			return done, err
		}
	}
	e.cfg.Logger.Info("engine started", slog.Int("partitions", len(e.cfg.Partitions)))
	return done, nil
}

// awaitIdle waits until every delivered message is finished, or the grace
// period ends; what is left is redelivered by JetStream.
func (e *Engine) awaitIdle(grace time.Duration) {
	waited := clock.Start()
	for e.inflight.Load() > 0 && waited.Within(grace) {
		time.Sleep(10 * time.Millisecond)
	}
}

// consume routes partition r.p's messages to its partition actor.
func (e *Engine) consume(ctx context.Context, r *partitionRun) (jetstream.ConsumeContext, error) {
	p, pid := r.p, r.pid
	cons, err := e.stream.Consumer(ctx, messages.PartitionConsumer(p))
	if err != nil {
		return nil, fmt.Errorf("partition %d consumer: %w", p, err)
	}
	root := e.system.Root
	cc, err := cons.Consume(func(jm jetstream.Msg) {
		m := newTrackedMsg(jm, r)
		d, err := e.newDelivery(m, p)
		if err != nil {
			e.deadLetter(m, err, "bad_subject", deadInfo{})
			return
		}
		e.inflight.Add(1)
		root.Send(pid, d)
	}, jetstream.PullPriorityGroup(bus.PriorityGroup), jetstream.PullMaxMessages(1024),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			if !errors.Is(err, jetstream.ErrNoHeartbeat) {
				e.cfg.Logger.Debug("consume", slog.Int("partition", p), slog.String("error", err.Error()))
			}
		}))
	if err != nil {
		return nil, fmt.Errorf("partition %d consume: %w", p, err)
	}
	return cc, nil
}

func (e *Engine) newDelivery(m jetstream.Msg, p int) (*delivery, error) {
	_, clinicID, leadID, kind, ok := messages.ParsePartitioned(m.Subject())
	if !ok {
		return nil, fmt.Errorf("%w: unexpected subject %q", messages.ErrInvalid, m.Subject())
	}
	md, err := m.Metadata()
	if err != nil {
		return nil, fmt.Errorf("%w: metadata: %v", messages.ErrInvalid, err)
	}
	return &delivery{msg: m, data: m.Data(), seq: md.Sequence.Stream, partition: p, clinicID: clinicID, leadID: leadID,
		kind: kind, origin: bus.Origin(m.Headers()), arrived: e.cfg.Now()}, nil
}

// deadInfo is what a dead letter tells beyond its message: the
// conversation it belongs to, when known, and the snapshot that could not
// be decoded, when that is the reason.
type deadInfo struct {
	clinicID, leadID string
	kind             messages.Kind
	snapshot         []byte
	restarted        bool // the conversation starts again without the snapshot
}

// deadLetter moves a message that can never be processed to the dead-letter
// subject and terminates it, and publishes a message.dead_lettered event
// for its conversation. If the dead-letter publish fails, the message is
// left unacked so JetStream redelivers it: nothing is lost silently. It
// reports whether the message is in the dead-letter stream.
func (e *Engine) deadLetter(m jetstream.Msg, reason error, label string, info deadInfo) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	dl := bus.NewDeadLetter("inbound", m, reason, label, e.cfg.Now())
	dl.Snapshot = info.snapshot
	seq, err := bus.PublishDeadLetter(ctx, e.cfg.JS, dl)
	if err != nil {
		e.cfg.Logger.Error("dead-letter publish failed; message will be redelivered", slog.String("reason", label), slog.String("error", err.Error()))
		return false
	}
	e.cfg.Metrics.deadLetters.WithLabelValues(label).Inc()
	e.cfg.Logger.Warn("message dead-lettered", slog.String("reason", label), slog.Uint64("dead_letter", seq),
		slog.String("clinic_id", info.clinicID), slog.String("lead_id", info.leadID), slog.String("error", reason.Error()))
	_ = m.TermWithReason(label)
	if info.clinicID != "" && info.leadID != "" {
		e.publishDeadEvent(ctx, seq, label, info)
	}
	return true
}

// EventDeadLettered is the type of the event that says a conversation's
// message went to the dead-letter subject (docs/EVENTS.md, Engine events).
const EventDeadLettered = "message.dead_lettered"

// publishDeadEvent tells operators and staff that a conversation lost a
// message to the dead-letter subject. It is published straight to
// JetStream, not through the outbox (nothing is committed for a dead
// letter); its id is the dead letter's, so a retry is stored once.
func (e *Engine) publishDeadEvent(ctx context.Context, seq uint64, label string, info deadInfo) {
	data, err := json.Marshal(map[string]string{"reason": label, "kind": string(info.kind),
		"dead_letter": strconv.FormatUint(seq, 10), "restarted": strconv.FormatBool(info.restarted)})
	if err != nil {
		return
	}
	id := "dead-letter:" + strconv.FormatUint(seq, 10)
	ev := messages.Event{V: messages.Version, ID: id, Type: EventDeadLettered, ClinicID: info.clinicID, LeadID: info.leadID,
		At: e.cfg.Now(), Data: data}
	b, err := json.Marshal(ev)
	if err != nil {
		return
	}
	subject := messages.EventSubject(info.clinicID, info.leadID, EventDeadLettered)
	if err := (bus.Publisher{JS: e.cfg.JS}).Publish(ctx, subject, id, b, time.Time{}); err != nil {
		e.cfg.Logger.Warn("dead-letter event not published", slog.Uint64("dead_letter", seq), slog.String("error", err.Error()))
	}
}
