package payments

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/wait"
	"github.com/medspa/engine/messages"
)

// WorkerConfig configures a Worker.
type WorkerConfig struct {
	JS      jetstream.JetStream
	Stripe  API
	Logger  *slog.Logger
	Metrics *Metrics // nil: unregistered metrics
	Now     func() time.Time
	// Workers is the number of lanes; the commands of one lead always use
	// the same lane, so they reach Stripe in order.
	Workers int
	// MaxAttempts bounds the tries of a retryable Stripe failure before the
	// outcome is reported as failed.
	MaxAttempts int
	// BaseBackoff and MaxBackoff shape the exponential backoff.
	BaseBackoff, MaxBackoff time.Duration
	// CallTimeout bounds one Stripe call.
	CallTimeout time.Duration
}

func (c *WorkerConfig) defaults() {
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	if c.BaseBackoff <= 0 {
		c.BaseBackoff = 200 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 10 * time.Second
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = 20 * time.Second
	}
	if c.Now == nil {
		c.Now = clock.Real
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Metrics == nil {
		c.Metrics = NewMetrics(nil)
	}
}

// Worker consumes payment commands, calls Stripe and reports each outcome to
// the conversation as an inbound payment envelope.
//
// It keeps no record of its own. Each command is handled as: call Stripe
// with an idempotency key derived from the appointment, publish the outcome
// with Nats-Msg-Id "stripe-cmd:<command id>", then ack. A command redelivered
// after a crash anywhere in between repeats the same call; Stripe answers a
// repeated key with the response it stored for the first request (the same
// session, the same refund), so the outcome is the same envelope, which
// JetStream's dedup window and then the store's applied-message keys drop.
// Stripe keeps idempotency keys for at least 24 hours, far longer than a
// command waits for redelivery.
type Worker struct {
	cfg WorkerConfig
}

// NewWorker returns a Worker.
func NewWorker(cfg WorkerConfig) *Worker {
	cfg.defaults()
	return &Worker{cfg: cfg}
}

// Run consumes payment commands until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	cons, err := w.cfg.JS.Consumer(ctx, messages.StreamOutbound, bus.PaymentsConsumer)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return fmt.Errorf("payments consumer: %w", err)
	}
	if err := bus.ConsumeInLanes(ctx, cons, w.cfg.Workers, 128, func(m jetstream.Msg) { w.handle(ctx, m) }); err != nil {
		return fmt.Errorf("payments consume: %w", err)
	}
	return nil
}

func (w *Worker) handle(ctx context.Context, m jetstream.Msg) {
	cmd, err := messages.DecodePaymentCommand(m.Data())
	if err != nil {
		w.dead(ctx, m, err, "invalid")
		return
	}
	var (
		id, clinicID, leadID, kind string
		origin                     time.Time
		p                          messages.Payment
	)
	switch {
	case cmd.Checkout != nil:
		c := *cmd.Checkout
		id, clinicID, leadID, kind, origin = c.ID, c.ClinicID, c.LeadID, "checkout", c.Origin
		var sid, url string
		err = w.withRetry(ctx, m, kind, func(cctx context.Context) (err error) {
			sid, url, err = w.cfg.Stripe.CreateCheckout(cctx, c)
			return err
		})
		p = messages.Payment{Type: messages.PaymentCheckoutCreated, AppointmentID: c.AppointmentID, SessionID: sid, URL: url,
			AmountCents: c.AmountCents, Currency: c.Currency}
		if err != nil {
			p = messages.Payment{Type: messages.PaymentCheckoutFailed, AppointmentID: c.AppointmentID, AmountCents: c.AmountCents,
				Currency: c.Currency, Error: err.Error()}
		}
	case cmd.Refund != nil:
		r := *cmd.Refund
		id, clinicID, leadID, kind = r.ID, r.ClinicID, r.LeadID, "refund"
		var rid string
		err = w.withRetry(ctx, m, kind, func(cctx context.Context) (err error) {
			rid, err = w.cfg.Stripe.Refund(cctx, r)
			return err
		})
		p = messages.Payment{Type: messages.PaymentRefundCreated, AppointmentID: r.AppointmentID, PaymentIntent: r.PaymentIntent,
			RefundID: rid, AmountCents: r.AmountCents}
		if err != nil {
			p = messages.Payment{Type: messages.PaymentRefundFailed, AppointmentID: r.AppointmentID, PaymentIntent: r.PaymentIntent,
				AmountCents: r.AmountCents, Error: err.Error()}
		}
	}
	if ctx.Err() != nil {
		return // shutting down: the command is redelivered and the call repeated
	}
	log := w.cfg.Logger.With(slog.String("command_id", id), slog.String("clinic_id", clinicID), slog.String("lead_id", leadID),
		slog.String("command", kind), slog.String("outcome", p.Type))
	outcome := "ok"
	if err != nil {
		outcome = "failed"
		if IsRetryable(err) {
			outcome = "retries_exhausted"
		}
		log.Warn("stripe call failed", slog.String("error", err.Error()))
	}
	w.cfg.Metrics.commands.WithLabelValues(kind, outcome).Inc()
	env := messages.Envelope{V: messages.Version, ID: "stripe-cmd:" + id, Kind: messages.KindPayment,
		ClinicID: clinicID, LeadID: leadID, Received: w.cfg.Now().UTC(), Payment: &p}
	b, err := env.Encode()
	if err != nil {
		w.dead(ctx, m, err, "invalid")
		return
	}
	subject := messages.InboundSubject(clinicID, leadID, messages.KindPayment)
	for attempt := 0; ; attempt++ {
		err := bus.Publisher{JS: w.cfg.JS}.Publish(ctx, subject, env.ID, b, origin)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		if attempt >= w.cfg.MaxAttempts {
			log.Error("publish payment outcome failed; command will be redelivered", slog.String("error", err.Error()))
			_ = m.NakWithDelay(5 * time.Second)
			return
		}
		_ = m.InProgress()
		wait.Sleep(ctx, w.backoff(attempt))
	}
	log.Info("payment command done")
	_ = m.Ack()
}

// withRetry calls Stripe until it answers, refuses for good, or the
// attempts run out. The message is kept in progress while it waits.
func (w *Worker) withRetry(ctx context.Context, m jetstream.Msg, kind string, call func(context.Context) error) error {
	var last error
	for attempt := 0; attempt < w.cfg.MaxAttempts; attempt++ {
		if attempt > 0 {
			w.cfg.Metrics.retries.WithLabelValues(kind).Inc()
			_ = m.InProgress()
			if !wait.Sleep(ctx, w.backoff(attempt-1)) {
				return ctx.Err()
			}
		}
		cctx, cancel := context.WithTimeout(ctx, w.cfg.CallTimeout)
		err := call(cctx)
		cancel()
		if err == nil {
			return nil
		}
		last = err
		if !IsRetryable(err) || ctx.Err() != nil {
			return err
		}
	}
	return last
}

// backoff is exponential with full jitter: a random wait in [d/2, d).
func (w *Worker) backoff(attempt int) time.Duration {
	return wait.Backoff{Base: w.cfg.BaseBackoff, Max: w.cfg.MaxBackoff, Jitter: true}.Delay(attempt)
}

func (w *Worker) dead(ctx context.Context, m jetstream.Msg, reason error, label string) {
	w.cfg.Metrics.deadLetters.WithLabelValues(label).Inc()
	w.cfg.Logger.Warn("payment command dead-lettered", slog.String("reason", label), slog.String("error", reason.Error()))
	if err := bus.DeadLetter(ctx, w.cfg.JS, "payment", m, reason, w.cfg.Now()); err != nil {
		w.cfg.Logger.Error("dead-letter publish failed; message will be redelivered", slog.String("error", err.Error()))
		_ = m.NakWithDelay(5 * time.Second)
		return
	}
	_ = m.TermWithReason(label)
}
