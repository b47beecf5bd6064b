package sender

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// Keywords of messages.SendSMS.Keyword that may go to a number whose
// consent is revoked: the one opt-out confirmation and HELP answers.
const (
	keywordOptOut = "optout"
	keywordHelp   = "help"
)

// passesRules checks the messaging rules just before the carrier call: the
// recipient is the lead's number, has not opted out, and an initiated text
// is inside the recipient's window. A command that breaks one is
// dead-lettered, dropped or put back until the window opens; one whose
// check cannot be made now is put back. It reports whether cmd may be sent.
func (s *Sender) passesRules(ctx context.Context, m jetstream.Msg, cmd messages.SendSMS, check persistence.SendCheck, log *slog.Logger) bool {
	if ok, err := s.recipientIsTheLead(ctx, cmd, check); err != nil {
		log.Warn("check recipient; will retry", slog.String("error", err.Error()))
		_ = m.NakWithDelay(time.Second)
		return false
	} else if !ok {
		s.cfg.Metrics.suppressed.WithLabelValues("not_the_lead").Inc()
		log.Warn("send refused: the recipient is not the lead's stored number")
		s.dead(ctx, m, errNotTheLead, "not_the_lead")
		return false
	}
	if optedOut(cmd, check) {
		s.cfg.Metrics.suppressed.WithLabelValues("opted_out").Inc()
		log.Info("send suppressed: recipient opted out")
		_ = m.TermWithReason("opted_out")
		return false
	}
	if d := s.quietDelay(cmd, s.cfg.Now()); d > 0 {
		s.cfg.Metrics.quietDeferrals.Inc()
		log.Info("initiated text outside the recipient's window; deferred", slog.Duration("delay", d))
		_ = m.NakWithDelay(d)
		return false
	}
	return true
}

// optedOut reports whether the recipient's consent ledger for the clinic
// ends in a revocation (check.Consent, the ledger's state), so the command
// must not be sent. The opt-out confirmation and HELP answers are exempt.
func optedOut(cmd messages.SendSMS, check persistence.SendCheck) bool {
	if cmd.Keyword == keywordOptOut || cmd.Keyword == keywordHelp {
		return false
	}
	return check.Consent == compliance.ConsentRevoked
}

// quietDelay returns how long an initiated text must wait for the
// recipient's window (0: send now), capped at MaxDeferDelay so the command
// comes back and is checked again. The engine enforces the daily caps; only
// the window is checked here.
func (s *Sender) quietDelay(cmd messages.SendSMS, now time.Time) time.Duration {
	if cmd.Purpose != messages.PurposeInitiated {
		return 0
	}
	r := compliance.Recipient{Phone: cmd.To, State: cmd.RecipientState, TZ: cmd.RecipientTZ}
	d := compliance.Check(cmd.Purpose, r, cmd.ClinicTZ, now, nil)
	if d.Allowed {
		return 0
	}
	return min(max(d.NotBefore.Sub(now), time.Second), s.cfg.MaxDeferDelay)
}

// publishOptOut tells the conversation that the carrier refused the text
// because the recipient opted out with it: a delivery receipt with the
// carrier's code, on the lead's inbound subject, deduplicated by the
// command id.
func (s *Sender) publishOptOut(ctx context.Context, cmd messages.SendSMS, code string) error {
	env := messages.Envelope{V: messages.Version, ID: "optout:" + cmd.ID, Kind: messages.KindReceipt,
		ClinicID: cmd.ClinicID, LeadID: cmd.LeadID, Phone: cmd.To, Received: s.cfg.Now(),
		Receipt: &messages.DeliveryReceipt{Carrier: cmd.Carrier, Status: "failed", ErrorCode: code}}
	if err := env.Validate(); err != nil {
		return fmt.Errorf("opt-out receipt: %w", err)
	}
	b, err := env.Encode()
	if err != nil {
		return fmt.Errorf("encode opt-out receipt: %w", err)
	}
	return s.publisher.Publish(ctx, messages.InboundSubject(cmd.ClinicID, cmd.LeadID, messages.KindReceipt), env.ID, b, time.Time{})
}

// errNotTheLead is a command whose recipient is not the number stored for
// its lead: nothing the engine wrote, so it is refused, never sent.
var errNotTheLead = errors.New("recipient is not the lead's stored number")

// recipientIsTheLead reports whether cmd goes to the number stored for its
// lead. Every command the engine publishes is written with its lead's
// snapshot in one transaction, so a command for a lead without one, or to
// another number, was not written by the engine.
func (s *Sender) recipientIsTheLead(ctx context.Context, cmd messages.SendSMS, check persistence.SendCheck) (bool, error) {
	if s.cfg.Leads != nil {
		return s.cfg.Leads(ctx, cmd)
	}
	return check.HasLead && check.LeadPhone == cmd.To, nil
}

// LeadOfNumber is a Config.Leads for a system that keeps no leads (the
// bare baseline of `medspa storm --compare`): the recipient must be the
// number the lead id is derived from.
func LeadOfNumber(_ context.Context, cmd messages.SendSMS) (bool, error) {
	return messages.LeadID(cmd.ClinicID, cmd.To) == cmd.LeadID, nil
}
