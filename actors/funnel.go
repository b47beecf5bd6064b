package actors

import (
	"strings"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// funnelStages are the funnel stages a decided step reached, read from the
// conversation's state before and after it and the effects it produced.
// They are written with the step's commit, so they are exactly as durable
// as the state; the store keeps the first row of each stage (and
// appointment, for deposits), so a stage seen again adds nothing. origin is
// when the first message reached the gateway, now the decision's time.
func funnelStages(prev *conversation.State, next conversation.State, in *messages.Envelope, effects []conversation.Effect, origin, now time.Time) []persistence.FunnelStage {
	var out []persistence.FunnelStage
	add := func(stage, ref string, amount int64) {
		out = append(out, persistence.FunnelStage{Stage: stage, Ref: ref, At: now, AmountCents: amount})
	}
	if prev == nil {
		f := persistence.FunnelStage{Stage: persistence.StageCreated, At: origin, Source: leadSource(in)}
		if next.UTM != nil {
			f.UTMSource, f.UTMCampaign = next.UTM.Source, next.UTM.Campaign
		}
		out = append(out, f)
	}
	replied, staffReplied := false, false
	for _, e := range effects {
		if r, ok := e.(conversation.Reply); ok {
			replied = true
			staffReplied = staffReplied || strings.HasPrefix(r.Author, "staff:")
		}
	}
	if replied && (prev == nil || !answered(prev)) {
		add(persistence.StageFirstReply, "", 0)
	}
	if in != nil && in.SMS != nil && prev != nil && firstTextSinceAnswer(prev) {
		add(persistence.StageEngaged, "", 0)
	}
	var prevPhase conversation.Phase
	var prevOffers int
	before := map[string]conversation.Appointment{}
	if prev != nil {
		prevPhase, prevOffers = prev.Phase, len(prev.Offers)
		for _, a := range prev.Appointments {
			before[a.ID] = a
		}
	}
	if len(next.Offers) > 0 && prevOffers == 0 {
		add(persistence.StageOffered, "", 0)
	}
	for _, a := range next.Appointments {
		b, existed := before[a.ID]
		if !existed {
			add(persistence.StageHeld, "", 0)
		}
		if a.Status == conversation.ApptBooked && b.Status != conversation.ApptBooked {
			add(persistence.StageBooked, "", 0)
		}
		if a.Status == conversation.ApptCancelled && b.Status == conversation.ApptBooked {
			add(persistence.StageCancelled, "", 0)
		}
		if a.PaymentIntent != "" && b.PaymentIntent == "" {
			add(persistence.StageDepositPaid, a.ID, a.PaidCents)
		}
		if (a.RefundRequested || a.Refunded) && !(b.RefundRequested || b.Refunded) {
			add(persistence.StageDepositRefunded, a.ID, a.PaidCents)
		}
		out = append(out, attendanceStages(a, b, now)...)
	}
	if next.Phase == conversation.PhaseOptedOut && prevPhase != conversation.PhaseOptedOut {
		add(persistence.StageOptedOut, "", 0)
	}
	if next.Phase == conversation.PhaseHandedToStaff && prevPhase != conversation.PhaseHandedToStaff {
		add(persistence.StageHandedOff, "", 0)
	}
	if staffReplied && prevPhase == conversation.PhaseHandedToStaff {
		add(persistence.StageStaffAnswered, "", 0)
	}
	return out
}

// leadSource names where a conversation's first message came from.
func leadSource(in *messages.Envelope) string {
	switch {
	case in == nil:
		return persistence.SourceOther
	case in.SMS != nil && in.SMS.Carrier == messages.CarrierTwilio:
		return persistence.SourceSMSTwilio
	case in.SMS != nil:
		return persistence.SourceSMSTelnyx
	case in.Missed != nil:
		return persistence.SourceMissedCall
	case in.Web != nil:
		return persistence.SourceWebForm
	}
	return persistence.SourceOther
}

// answered reports whether the lead was texted before, as far as the
// recent lines tell (a conversation whose last lines are all the lead's
// may report its first reply again; the store keeps the first).
func answered(s *conversation.State) bool {
	for _, l := range s.Recent {
		if l.Dir == conversation.DirOut {
			return true
		}
	}
	return false
}

// firstTextSinceAnswer reports whether a text now would be the lead's
// first after the conversation's first answer: the recent lines hold an
// answer and no line of the lead after it.
func firstTextSinceAnswer(s *conversation.State) bool {
	out := false
	for _, l := range s.Recent {
		switch {
		case l.Dir == conversation.DirOut:
			out = true
		case out && l.Dir == conversation.DirIn:
			return false
		}
	}
	return out
}
