package payments

import (
	"context"
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
	cfg   WorkerConfig
	retry bus.Retry
}

// NewWorker returns a Worker.
func NewWorker(cfg WorkerConfig) *Worker {
	cfg.defaults()
	retry := bus.Retry{MaxAttempts: cfg.MaxAttempts, BaseBackoff: cfg.BaseBackoff, MaxBackoff: cfg.MaxBackoff}.WithDefaults()
	return &Worker{cfg: cfg, retry: retry}
}

// Run consumes payment commands until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	return bus.Consume(ctx, w.cfg.JS, messages.StreamOutbound, bus.PaymentsConsumer, w.cfg.Workers, 128,
		func(m jetstream.Msg) { w.handle(ctx, m) })
}

// outcome is what came of one payment command: the Stripe call's error,
// and the payment to report to the command's conversation.
type outcome struct {
	id, clinicID, leadID, kind string
	origin                     time.Time
	payment                    messages.Payment
	err                        error
}

// handle calls Stripe for one command and reports the outcome to the
// conversation; the command is acked once the outcome is published.
func (w *Worker) handle(ctx context.Context, m jetstream.Msg) {
	cmd, err := messages.DecodePaymentCommand(m.Data())
	if err != nil {
		w.dead(ctx, m, err, "invalid")
		return
	}
	var o outcome
	switch {
	case cmd.Checkout != nil:
		o = w.checkout(ctx, m, *cmd.Checkout)
	case cmd.Refund != nil:
		o = w.refund(ctx, m, *cmd.Refund)
	}
	if ctx.Err() != nil {
		return // shutting down: the command is redelivered and the call repeated
	}
	log := w.cfg.Logger.With(slog.String("command_id", o.id), slog.String("clinic_id", o.clinicID), slog.String("lead_id", o.leadID),
		slog.String("command", o.kind), slog.String("outcome", o.payment.Type))
	w.count(o, log)
	env := messages.Envelope{V: messages.Version, ID: "stripe-cmd:" + o.id, Kind: messages.KindPayment,
		ClinicID: o.clinicID, LeadID: o.leadID, Received: w.cfg.Now().UTC(), Payment: &o.payment}
	b, err := env.Encode()
	if err != nil {
		w.dead(ctx, m, err, "invalid")
		return
	}
	if w.publishOutcome(ctx, m, env, b, o.origin, log) {
		log.Info("payment command done")
		_ = m.Ack()
	}
}

// checkout creates the Stripe checkout session of c.
func (w *Worker) checkout(ctx context.Context, m jetstream.Msg, c messages.CreateCheckout) outcome {
	o := outcome{id: c.ID, clinicID: c.ClinicID, leadID: c.LeadID, kind: "checkout", origin: c.Origin}
	var sid, url string
	o.err = w.withRetry(ctx, m, o.kind, func(cctx context.Context) (err error) {
		sid, url, err = w.cfg.Stripe.CreateCheckout(cctx, c)
		return err
	})
	o.payment = messages.Payment{Type: messages.PaymentCheckoutCreated, AppointmentID: c.AppointmentID, SessionID: sid, URL: url,
		AmountCents: c.AmountCents, Currency: c.Currency}
	if o.err != nil {
		o.payment = messages.Payment{Type: messages.PaymentCheckoutFailed, AppointmentID: c.AppointmentID, AmountCents: c.AmountCents,
			Currency: c.Currency, Error: o.err.Error()}
	}
	return o
}

// refund refunds the payment of r.
func (w *Worker) refund(ctx context.Context, m jetstream.Msg, r messages.Refund) outcome {
	o := outcome{id: r.ID, clinicID: r.ClinicID, leadID: r.LeadID, kind: "refund"}
	var rid string
	o.err = w.withRetry(ctx, m, o.kind, func(cctx context.Context) (err error) {
		rid, err = w.cfg.Stripe.Refund(cctx, r)
		return err
	})
	o.payment = messages.Payment{Type: messages.PaymentRefundCreated, AppointmentID: r.AppointmentID, PaymentIntent: r.PaymentIntent,
		RefundID: rid, AmountCents: r.AmountCents}
	if o.err != nil {
		o.payment = messages.Payment{Type: messages.PaymentRefundFailed, AppointmentID: r.AppointmentID, PaymentIntent: r.PaymentIntent,
			AmountCents: r.AmountCents, Error: o.err.Error()}
	}
	return o
}

// count counts the command by its outcome, and logs a failed Stripe call.
func (w *Worker) count(o outcome, log *slog.Logger) {
	label := "ok"
	if o.err != nil {
		label = "failed"
		if IsRetryable(o.err) {
			label = "retries_exhausted"
		}
		log.Warn("stripe call failed", slog.String("error", o.err.Error()))
	}
	w.cfg.Metrics.commands.WithLabelValues(o.kind, label).Inc()
}

// publishOutcome publishes the outcome envelope env (encoded: b), retrying
// while JetStream does not store it. It reports false when the command is
// left to be redelivered instead: ctx ended, or the attempts ran out.
func (w *Worker) publishOutcome(ctx context.Context, m jetstream.Msg, env messages.Envelope, b []byte, origin time.Time, log *slog.Logger) bool {
	subject := messages.InboundSubject(env.ClinicID, env.LeadID, messages.KindPayment)
	for attempt := 0; ; attempt++ {
		err := bus.Publisher{JS: w.cfg.JS}.Publish(ctx, subject, env.ID, b, origin)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if attempt >= w.retry.MaxAttempts {
			log.Error("publish payment outcome failed; command will be redelivered", slog.String("error", err.Error()))
			_ = m.NakWithDelay(5 * time.Second)
			return false
		}
		_ = m.InProgress()
		wait.Sleep(ctx, w.retry.Backoff(attempt))
	}
}

// withRetry calls Stripe until it answers, refuses for good, or the
// attempts run out. The message is kept in progress while it waits.
func (w *Worker) withRetry(ctx context.Context, m jetstream.Msg, kind string, call func(context.Context) error) error {
	retried := func() { w.cfg.Metrics.retries.WithLabelValues(kind).Inc() }
	return w.retry.Do(ctx, m, IsRetryable, retried, func() error {
		cctx, cancel := context.WithTimeout(ctx, w.cfg.CallTimeout)
		defer cancel()
		return call(cctx)
	})
}

func (w *Worker) dead(ctx context.Context, m jetstream.Msg, reason error, label string) {
	w.cfg.Metrics.deadLetters.WithLabelValues(label).Inc()
	w.cfg.Logger.Warn("payment command dead-lettered", slog.String("reason", label), slog.String("error", reason.Error()))
	bus.Terminate(ctx, w.cfg.JS, m, bus.NewDeadLetter("payment", m, reason, "", w.cfg.Now()), label, w.cfg.Logger)
}
