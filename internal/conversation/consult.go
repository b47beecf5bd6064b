package conversation

import (
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/internal/understand"
	"github.com/medspa/engine/messages"
)

// Consult is what a language model may be asked about an inbound text
// before the decision: the text, the dialogue state around it and the
// built-in reading the model refines. The caller asks the model (an I/O
// it owns) and hands the answer back through Assist, which carries the
// built-in reading along so the decision does not read the text twice.
type Consult struct {
	Text string
	// Asked is the question the conversation asked last.
	Asked Question
	// Builtin is the built-in understanding's reading of Text as the
	// answer to Asked.
	Builtin understand.Understanding
	// Recent are the conversation's last lines, oldest first.
	Recent []Line
	// Offers are the times on offer, as the lead was told them.
	Offers []string
	// LeadName is the name the conversation knows, "" when none.
	LeadName string
	basis    basis
}

// basis is what a built-in reading depends on: the decision reuses
// Consult.Builtin only when its own reading would have the same basis.
type basis struct {
	text   string
	asked  Question
	offers int
	now    time.Time
}

// Consultation says whether a language model may be asked about in, a
// message for conversation s (the zero State when none is stored), and
// what to ask. It may not for anything but a text, nor for a carrier
// keyword (STOP, START, HELP), an opted-out lead, a conversation staff
// have taken over or a clinic that keeps its conversations from the model.
func Consultation(s State, c *clinic.Clinic, in messages.Envelope, now time.Time) (Consult, bool) {
	if c == nil || c.Assistant.Off || in.Kind != messages.KindSMS || in.SMS == nil {
		return Consult{}, false
	}
	optedOut := s.Phase == PhaseOptedOut
	if optedOut || s.Phase == PhaseHandedToStaff || compliance.Classify(in.SMS.Text, optedOut) != compliance.KeywordNone {
		return Consult{}, false
	}
	b := basis{text: in.SMS.Text, asked: s.Asked, offers: len(s.Offers), now: now}
	return Consult{
		Text: in.SMS.Text, Asked: s.Asked, Builtin: readAnswer(b.text, c, now, b.asked, b.offers),
		Recent: s.Recent, Offers: OfferTexts(c, s.Offers), LeadName: s.Name, basis: b,
	}, true
}

// Assist is the decision's input made of the model's answer to q: its
// understanding, its suggested reply ("" for none) and who gave the
// understanding (SourceModel, or SourceBuiltin when the model fell back).
func (q Consult) Assist(u understand.Understanding, reply, source string) *Assist {
	b := q.basis
	return &Assist{Understanding: u, Reply: reply, Source: source, builtin: q.Builtin, basis: &b}
}

// builtin is the built-in reading of text as the answer to asked: the
// one the consultation made when it has the same basis, else a new one.
func (t *turn) builtin(text string, asked Question) understand.Understanding {
	b := basis{text: text, asked: asked, offers: len(t.s.Offers), now: t.now}
	if a := t.assist; a != nil && a.basis != nil && *a.basis == b {
		return a.builtin
	}
	return readAnswer(text, t.c, t.now, asked, b.offers)
}
