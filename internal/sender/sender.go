// Package sender consumes send commands from JetStream and hands each text to
// its carrier exactly once: a command whose send is on record is acked
// without sending, retryable refusals are retried with backoff and jitter,
// and a command that keeps failing goes to the dead-letter subject.
//
// Just before the carrier call the messaging rules are checked again: a
// number whose consent ledger ends in a revocation gets nothing (except the
// opt-out confirmation and HELP answers), an initiated text outside the
// recipient's window waits for it, and each sending number keeps to its
// carrier rate. A carrier refusal because the recipient opted out with the
// carrier is reported back to the conversation as a delivery receipt.
package sender

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/carrier"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/stage"
	"github.com/medspa/engine/internal/wait"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// Store is what the sender reads and writes (persistence.Store has it):
// the lead's number and consent before a send, the send records after.
type Store interface {
	SendCheck(ctx context.Context, commandID, clinicID, leadID, phone string) (persistence.SendCheck, error)
	RecordSends(ctx context.Context, sends []persistence.Send) error
}

// Config configures a Sender.
type Config struct {
	JS      jetstream.JetStream
	Store   Store
	Carrier carrier.Sender
	Logger  *slog.Logger
	Metrics *Metrics
	Now     func() time.Time
	// Workers is the number of lanes; commands of one lead always use the
	// same lane, so a lead's texts leave in order.
	Workers int
	// MaxAttempts bounds the tries of a retryable failure before the
	// command is dead-lettered.
	MaxAttempts int
	// BaseBackoff and MaxBackoff shape the exponential backoff.
	BaseBackoff, MaxBackoff time.Duration
	// SendTimeout bounds one carrier call.
	SendTimeout time.Duration
	// RatePerNumber is the most texts per second one sending number hands
	// to its carrier (default 1, a 10DLC number's usual limit; negative:
	// unlimited), with bursts of RateBurst (default 5).
	RatePerNumber float64
	RateBurst     int
	// MaxDeferDelay is the longest an initiated text outside the
	// recipient's window is put back before it is checked again (default
	// 1h).
	MaxDeferDelay time.Duration
	// Leads checks that a command goes to its lead's number; nil checks
	// the number stored with the lead's snapshot (the engine's way).
	Leads func(ctx context.Context, cmd messages.SendSMS) (bool, error)
	// InDoubtWait is how long a command found in flight (its carrier call
	// began, its answer was never recorded: a crash) waits for a delivery
	// receipt naming it before it is sent once more (default 60 s).
	InDoubtWait time.Duration
}

func (c *Config) defaults() {
	if c.Workers <= 0 {
		c.Workers = 64
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = 10 * time.Second
	}
	if c.Now == nil {
		c.Now = clock.Real
	}
	if c.RatePerNumber == 0 {
		c.RatePerNumber = 1
	}
	if c.RateBurst <= 0 {
		c.RateBurst = 5
	}
	if c.MaxDeferDelay <= 0 {
		c.MaxDeferDelay = time.Hour
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.InDoubtWait <= 0 {
		c.InDoubtWait = DefaultInDoubtWait
	}
}

// DefaultInDoubtWait is Config.InDoubtWait's default: carriers post the
// first status callback within seconds of accepting a text.
const DefaultInDoubtWait = 60 * time.Second

// Sender is the outbound side of the engine.
type Sender struct {
	cfg       Config
	retry     bus.Retry
	records   chan sent
	intents   chan intent
	limits    *limiter
	publisher bus.Publisher
}

// New returns a Sender.
func New(cfg Config) *Sender {
	cfg.defaults()
	return &Sender{cfg: cfg, retry: bus.Retry{MaxAttempts: cfg.MaxAttempts, BaseBackoff: cfg.BaseBackoff, MaxBackoff: cfg.MaxBackoff}.WithDefaults(),
		records: make(chan sent, 1024), intents: make(chan intent, 1024),
		limits: newLimiter(cfg.RatePerNumber, cfg.RateBurst), publisher: bus.Publisher{JS: cfg.JS}}
}

// Run consumes send commands until ctx ends.
func (s *Sender) Run(ctx context.Context) error {
	recorded := make(chan struct{})
	// Records of accepted texts are still written during a shutdown, for
	// up to 10 s after ctx ends.
	recCtx, stopRec := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRec()
	stopLater := context.AfterFunc(ctx, func() { time.AfterFunc(10*time.Second, stopRec) })
	defer stopLater()
	go func() { defer close(recorded); s.logLoop(ctx, recCtx) }()
	err := bus.Consume(ctx, s.cfg.JS, messages.StreamOutbound, bus.SenderConsumer, s.cfg.Workers, 512,
		func(m jetstream.Msg) { s.handle(ctx, m) })
	close(s.records) // the record loop stores what was accepted, then ends
	<-recorded
	return err
}

// handle takes one send command through its steps: the send record of an
// earlier delivery, the messaging rules, the in-flight record, the carrier
// call; a text the carrier accepted goes to the record loop, which acks it.
// What the first two steps need of the store is read in one statement
// (Store.SendCheck).
func (s *Sender) handle(ctx context.Context, m jetstream.Msg) {
	cmd, err := messages.DecodeSendSMS(m.Data())
	if err != nil {
		s.dead(ctx, m, err, "invalid")
		return
	}
	s.cfg.Metrics.stages.Since(stage.SendDelivery, cmd.Created, s.cfg.Now())
	checks := clock.Start()
	log := s.cfg.Logger.With(slog.String("command_id", cmd.ID), slog.String("clinic_id", cmd.ClinicID), slog.String("lead_id", cmd.LeadID))
	check, err := s.cfg.Store.SendCheck(ctx, cmd.ID, cmd.ClinicID, cmd.LeadID, cmd.To)
	if err != nil {
		log.Warn("read send checks; will retry", slog.String("error", err.Error()))
		_ = m.NakWithDelay(time.Second)
		return
	}
	again, ok := s.earlierSend(m, check, log)
	if !ok || !s.passesRules(ctx, m, cmd, check, log) {
		return
	}
	s.cfg.Metrics.stages.Observe(stage.SendChecks, checks.Elapsed())
	// The intent is durable before the carrier is called, so a crash from
	// here on leaves the command in doubt, not forgotten.
	if !again && !s.recordInFlight(ctx, m, cmd, log) {
		return
	}
	providerID, err := s.sendWithRetry(ctx, m, cmd)
	if err != nil {
		if ctx.Err() != nil {
			return // shutting down: the command is redelivered
		}
		s.sendFailed(ctx, m, cmd, err, log)
		return
	}
	rec := sendRecord(cmd, "sent", s.cfg.Now())
	rec.ProviderID = providerID
	s.records <- sent{rec: rec, msg: m, origin: cmd.Origin, first: cmd.First, accepted: clock.Start()}
}

// sendRecord is the send record of cmd with status at now.
func sendRecord(cmd messages.SendSMS, status string, now time.Time) persistence.Send {
	return persistence.Send{CommandID: cmd.ID, ClinicID: cmd.ClinicID, LeadID: cmd.LeadID, Carrier: string(cmd.Carrier), Status: status, SentAt: now}
}

// earlierSend reads the send record of an earlier delivery of the
// command, if check has one. A text already sent is acked as a duplicate. A carrier call that began and
// whose answer was never recorded (a crash) leaves the carrier maybe
// holding the text: a receipt naming the command settles it (the record
// leaves SendInFlight), so the command waits for one; without one by the
// end of the wait, it is sent once more (again). ok is false when the
// command is done with or put back.
func (s *Sender) earlierSend(m jetstream.Msg, check persistence.SendCheck, log *slog.Logger) (again, ok bool) {
	rec := check.Send
	switch {
	case !check.HasSend || rec.Status == persistence.SendRefused:
		return false, true
	case rec.Status != persistence.SendInFlight:
		s.cfg.Metrics.duplicates.Inc()
		_ = m.Ack()
		return false, false
	}
	if wait := rec.SentAt.Add(s.cfg.InDoubtWait).Sub(s.cfg.Now()); wait > 0 {
		s.cfg.Metrics.inDoubt.WithLabelValues("waiting").Inc()
		log.Info("send in doubt: waiting for its receipt", slog.Duration("wait", wait))
		_ = m.NakWithDelay(wait)
		return false, false
	}
	s.cfg.Metrics.inDoubt.WithLabelValues("sent_again").Inc()
	log.Warn("send in doubt and no receipt came: sending once more")
	return true, true
}

// recordInFlight stores that cmd's carrier call begins; when it cannot,
// the command is put back (or left to redelivery when ctx ended).
func (s *Sender) recordInFlight(ctx context.Context, m jetstream.Msg, cmd messages.SendSMS, log *slog.Logger) bool {
	intended := clock.Start()
	err := s.recordIntent(ctx, sendRecord(cmd, persistence.SendInFlight, s.cfg.Now()))
	s.cfg.Metrics.stages.Observe(stage.SendIntent, intended.Elapsed())
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("record send intent; will retry", slog.String("error", err.Error()))
			_ = m.NakWithDelay(time.Second)
		}
		return false
	}
	return true
}

// sendFailed settles a command the carrier did not take: a refusal because
// the recipient opted out with the carrier is reported to the
// conversation, a refusal is recorded, and the command is dead-lettered.
func (s *Sender) sendFailed(ctx context.Context, m jetstream.Msg, cmd messages.SendSMS, err error, log *slog.Logger) {
	reason := "rejected"
	if carrier.IsRetryable(err) {
		reason = "retries_exhausted"
	}
	var ce *carrier.Error
	if errors.As(err, &ce) && ce.OptedOut {
		reason = "opted_out"
		if perr := s.publishOptOut(ctx, cmd, ce.Code); perr != nil && !errors.Is(perr, messages.ErrInvalid) {
			log.Warn("publish carrier opt-out; will retry", slog.String("error", perr.Error()))
			_ = m.NakWithDelay(5 * time.Second)
			return
		}
	}
	s.cfg.Metrics.failed.WithLabelValues(string(cmd.Carrier), reason).Inc()
	log.Warn("send failed", slog.String("reason", reason), slog.String("error", err.Error()))
	if errors.As(err, &ce) {
		// The carrier answered and took nothing: not in doubt, and a
		// replay of the dead letter may send it.
		refused := sendRecord(cmd, persistence.SendRefused, s.cfg.Now())
		refused.ErrorCode = ce.Code
		if rerr := s.cfg.Store.RecordSends(ctx, []persistence.Send{refused}); rerr != nil {
			log.Warn("record refused send; it stays in doubt", slog.String("error", rerr.Error()))
		}
	}
	s.dead(ctx, m, err, reason)
}

// intent is a send command about to be handed to its carrier, waiting for
// its in-flight record to be stored.
type intent struct {
	rec  persistence.Send
	done chan error
}

// recordIntent stores that cmd's carrier call begins, in one transaction
// with whatever else the sender has to write (logLoop).
func (s *Sender) recordIntent(ctx context.Context, rec persistence.Send) error {
	in := intent{rec: rec, done: make(chan error, 1)}
	select {
	case s.intents <- in:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-in.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sent is a command the carrier accepted, waiting to be recorded and acked.
type sent struct {
	rec      persistence.Send
	msg      jetstream.Msg
	origin   time.Time
	first    bool            // the first text to a new lead (speed to lead)
	accepted clock.Stopwatch // since the carrier accepted it
}

// maxLogBatch bounds the records of one log transaction.
const maxLogBatch = 512

// logLoop writes the sender's records in batches, one transaction for
// everything that waits: the in-flight records of texts about to be handed
// to their carrier (their lanes wait for the commit), and the send records
// of texts the carrier accepted (each command is acked only after its
// record is stored: a redelivered command finds its record and is not sent
// again). Intents and records share the transaction, so a busy sender
// takes the store's writer once per round instead of twice.
//
// Intents are taken until ctx ends; records until the records channel is
// closed, and written on recCtx, which outlives ctx by a grace period.
func (s *Sender) logLoop(ctx, recCtx context.Context) {
	intents := make([]intent, 0, maxLogBatch)
	batch := make([]sent, 0, maxLogBatch)
	recs := make([]persistence.Send, 0, maxLogBatch)
	records := s.records
	for records != nil {
		intents, batch = intents[:0], batch[:0]
		select {
		case in := <-s.intents:
			intents = append(intents, in)
		case r, ok := <-records:
			if !ok {
				return
			}
			batch = append(batch, r)
		}
	fill:
		for len(intents)+len(batch) < maxLogBatch {
			select {
			case in := <-s.intents:
				intents = append(intents, in)
			case r, ok := <-records:
				if !ok {
					records = nil // write what is here, then end
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		if ctx.Err() != nil {
			// Stopping: the lanes no longer call their carrier, so no
			// intent is stored that no call follows.
			for _, in := range intents {
				in.done <- ctx.Err()
			}
			intents = intents[:0]
		}
		recs = recs[:0]
		for _, in := range intents {
			recs = append(recs, in.rec)
		}
		for _, r := range batch {
			recs = append(recs, r.rec)
		}
		err := s.cfg.Store.RecordSends(recCtx, recs)
		for _, in := range intents {
			in.done <- err // a lane whose intent failed puts its command back
		}
		if err != nil && len(batch) > 0 {
			if recCtx.Err() != nil {
				return // unacked: redelivered, found unrecorded, sent again (the one window)
			}
			s.cfg.Logger.Warn("record sends; retrying", slog.Int("records", len(batch)), slog.String("error", err.Error()))
			if !s.recordSent(recCtx, batch, recs[len(intents):]) {
				return
			}
		} else if len(batch) > 0 {
			s.acked(batch)
		}
	}
}

// recordSent stores the send records of batch, retrying until the store
// answers, then acks each command. It reports false when recCtx ended
// first: the commands stay unacked, are redelivered, found unrecorded and
// sent again (the one window).
func (s *Sender) recordSent(recCtx context.Context, batch []sent, recs []persistence.Send) bool {
	for attempt := 0; ; attempt++ {
		if recCtx.Err() != nil {
			return false
		}
		for _, r := range batch {
			_ = r.msg.InProgress()
		}
		wait.Sleep(recCtx, s.retry.Backoff(attempt))
		err := s.cfg.Store.RecordSends(recCtx, recs)
		if err == nil {
			break
		}
		if recCtx.Err() != nil {
			return false
		}
		s.cfg.Logger.Warn("record sends; retrying", slog.Int("records", len(recs)), slog.String("error", err.Error()))
	}
	s.acked(batch)
	return true
}

// acked counts and acks commands whose send records are stored.
func (s *Sender) acked(batch []sent) {
	for _, r := range batch {
		s.cfg.Metrics.sent.WithLabelValues(r.rec.Carrier).Inc()
		if !r.origin.IsZero() {
			s.cfg.Metrics.endToEnd.Observe(r.rec.SentAt.Sub(r.origin).Seconds())
			if r.first {
				s.cfg.Metrics.speedToLead.WithLabelValues(r.rec.ClinicID).Observe(r.rec.SentAt.Sub(r.origin).Seconds())
			}
		}
		_ = r.msg.Ack()
		s.cfg.Metrics.stages.Observe(stage.SendRecord, r.accepted.Elapsed())
	}
}

// sendWithRetry calls the carrier until it accepts, refuses for good, or the
// attempts run out. The message is kept in progress while it waits, so
// JetStream does not hand it to another sender meanwhile.
func (s *Sender) sendWithRetry(ctx context.Context, m jetstream.Msg, cmd messages.SendSMS) (string, error) {
	var id string
	retried := func() { s.cfg.Metrics.retries.WithLabelValues(string(cmd.Carrier)).Inc() }
	err := s.retry.Do(ctx, m, carrier.IsRetryable, retried, func() (err error) {
		if !s.limits.wait(ctx, m, cmd.From) {
			return ctx.Err()
		}
		cctx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
		defer cancel()
		called := clock.Start()
		id, err = s.cfg.Carrier.Send(cctx, cmd)
		s.cfg.Metrics.stages.Observe(stage.Carrier, called.Elapsed())
		return err
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

func (s *Sender) dead(ctx context.Context, m jetstream.Msg, reason error, label string) {
	s.cfg.Metrics.deadLetters.WithLabelValues(label).Inc()
	bus.Terminate(ctx, s.cfg.JS, m, bus.NewDeadLetter("sms", m, reason, label, s.cfg.Now()), label, s.cfg.Logger)
}
