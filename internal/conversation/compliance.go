package conversation

import (
	"time"

	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/messages"
)

// Keyword values of Reply.Keyword.
const (
	KeywordOptOut = "optout"
	KeywordOptIn  = "optin"
	KeywordHelp   = "help"
)

// keyword answers the carrier keywords (STOP, START, HELP and their
// variants) before anything else reads the text. It reports whether the
// text was one and is fully handled. A text that is not a keyword from a
// lead who never agreed to texts records their consent.
func (t *turn) keyword(text string) bool {
	optedOut := t.s.Phase == PhaseOptedOut
	switch compliance.Classify(text, optedOut) {
	case compliance.KeywordOptOut:
		if optedOut {
			// Already out: the ledger keeps every revocation, nothing is sent.
			t.consent(compliance.ConsentRevoked, compliance.SourceInboundText, text)
			return true
		}
		if compliance.WrongRecipient(text) {
			// Someone reached by mistake: an apology instead of the
			// confirmation, with the same effect on consent.
			t.optOut(compliance.SourceInboundText, text, false)
			t.send(compliance.WrongRecipientReply(t.c.Name), KeywordOptOut)
			return true
		}
		t.optOut(compliance.SourceInboundText, text, true)
		return true
	case compliance.KeywordOptIn:
		if optedOut {
			t.optIn(text)
			return true
		}
	case compliance.KeywordHelp:
		t.send(compliance.HelpText(t.c.Name, t.s.ClinicNumber), KeywordHelp)
		return true
	}
	if !optedOut && t.s.Consent == "" {
		t.s.Consent = compliance.SourceInboundText
		t.consent(compliance.ConsentGranted, compliance.SourceInboundText, text)
	}
	return false
}

// optOut stops every text to the lead: a pending or held time is given back
// to the clinic, deferred texts are dropped, and, for a STOP the lead sent,
// exactly one confirmation goes out. A carrier opt-out sends nothing.
func (t *turn) optOut(source, text string, confirm bool) {
	from := t.s.Phase
	t.consent(compliance.ConsentRevoked, source, text)
	t.s.Pending = nil // a late hold for it is released by ApplyHoldResult
	t.releaseHold()
	t.s.Offers = nil
	t.s.Asked = ""
	t.dropDeferred("opted_out")
	t.s.OptedOutFrom = from
	t.setPhase(PhaseOptedOut)
	t.event(EventOptedOut, "source", source)
	if confirm {
		t.send(compliance.OptOutConfirmation(t.c.Name), KeywordOptOut)
	}
}

// optIn answers START, UNSTOP or YES after an opt-out: the conversation goes
// back to where it was when that still holds (booked, with staff), else to
// qualifying.
func (t *turn) optIn(text string) {
	back := t.s.OptedOutFrom
	if back != PhaseBooked && back != PhaseHandedToStaff {
		back = PhaseQualifying
	}
	t.s.OptedOutFrom = ""
	if t.s.Consent == "" {
		t.s.Consent = compliance.SourceInboundText
	}
	t.consent(compliance.ConsentRegranted, compliance.SourceInboundText, text)
	t.setPhase(back)
	t.event(EventOptedIn, "source", compliance.SourceInboundText)
	t.send(compliance.OptInConfirmation(t.c.Name), KeywordOptIn)
}

// consent adds an entry to the number's consent ledger.
func (t *turn) consent(kind, source, text string) {
	t.effects = append(t.effects, ConsentChange{Kind: kind, Source: source, Text: text})
}

// webConsent records the consent a web form carries.
func (t *turn) webConsent(w *messages.WebLead) {
	if w.ConsentText == "" {
		return
	}
	if t.s.Consent == "" {
		t.s.Consent = compliance.SourceWebForm
	}
	t.consent(compliance.ConsentGranted, compliance.SourceWebForm, w.ConsentText)
}

// onReceipt reads a delivery receipt. A refusal because the recipient
// opted out at the carrier opts the lead out (without a confirmation: the
// carrier would refuse it too); another failure is reported as an event.
// Other receipts, and any for a conversation that does not exist, change
// nothing.
func onReceipt(s State, env Env, in messages.Envelope, now time.Time) (State, []Effect, error) {
	if s.Phase == "" {
		return s, nil, nil
	}
	r := in.Receipt
	if compliance.CarrierOptOut(r.ErrorCode) {
		if s.Phase == PhaseOptedOut {
			return s, nil, nil
		}
		t := &turn{s: s, c: env.Clinic, cal: env.Calendar, now: now}
		t.s.UpdatedAt = now
		t.optOut(compliance.SourceCarrier, string(r.Carrier)+" error "+r.ErrorCode, false)
		return t.s, t.effects, nil
	}
	if compliance.FailedStatus(r.Status) {
		ev := Event{Type: EventDeliveryFailed, Data: map[string]any{
			"provider_id": r.ProviderID, "status": r.Status, "code": r.ErrorCode, "carrier": string(r.Carrier)}}
		return s, []Effect{ev}, nil
	}
	return s, nil, nil
}
