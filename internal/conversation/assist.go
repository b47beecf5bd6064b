package conversation

import (
	"strings"
	"unicode/utf8"

	"github.com/medspa/engine/internal/understand"
	"github.com/medspa/engine/messages"
)

// Sources of a Reply's text and of an Assist.
const (
	// SourceBuiltin: the engine's templates (or staff's own words, which
	// Reply.Author names) wrote the text.
	SourceBuiltin = "builtin"
	// SourceModel: the language model's suggested reply was sent.
	SourceModel = "model"
)

// Assist is a language model's reading of an inbound text, asked for by
// the caller before the decision and handed in through Env.Assist, so the
// core stays pure. The caller has already checked Reply against the
// clinic's facts (internal/llm's guardrails).
type Assist struct {
	// Understanding replaces the built-in one, except that a medical
	// question, a complaint or a request for a person found by the
	// built-in understanding always wins.
	Understanding understand.Understanding
	// Reply is the suggested text; "" lets the templates answer. It is
	// used only where a template would answer a question (greeting,
	// price, hours, services, anything else not understood), never for
	// holds, payments, links, confirmations, keyword answers or
	// hand-offs, and only if the whole text fits in MaxReply.
	Reply string
	// Source is who gave Understanding: SourceModel or SourceBuiltin.
	Source string
	// builtin is the built-in reading the consultation made (Consult),
	// reused when basis matches the decision's.
	builtin understand.Understanding
	basis   *basis
}

// reading reads an inbound text as the answer to the question asked
// first: with the built-in understanding, and with the assist when there is
// one. The built-in reading comes first: when it finds anything (what was
// asked, a reason to hand off, an intent or an entity), it stands, and the
// model only adds the entities it lacks, and a question or a wish to book
// where the built-in reading saw only a greeting. The model reads alone only the
// texts the built-in understanding could not read at all, and even then it
// cannot, on its own word, release a held time, cancel or move a booking,
// or change the treatment already chosen. So a model that errs costs at most what the templates would
// have missed anyway.
func (t *turn) reading(text string, asked Question) understand.Understanding {
	b := t.builtin(text, asked)
	if t.assist == nil || b.Intent.HandsOff() || answers(b, asked) {
		return b
	}
	m := t.assist.Understanding
	if t.s.ServiceID != "" && asked != AskService && asked != AskServiceMenu {
		m.ServiceID = "" // nor change the treatment chosen
	}
	if read(b) {
		if (b.Intent == understand.IntentUnknown || b.Intent == understand.IntentGreeting) && informative(m.Intent) {
			b.Intent = m.Intent // "hey whats botox run these days" asks a price
		}
		if b.ServiceID == "" {
			b.ServiceID = m.ServiceID
		}
		if b.When == nil && b.Option == 0 && m.Option == 0 {
			b.When = m.When
		}
		if b.Name == "" {
			b.Name, b.ForOther = m.Name, m.ForOther
		}
		if b.Patient == "" {
			b.Patient = m.Patient
		}
		return b
	}
	if t.holding() || t.s.Phase == PhaseBooked {
		switch m.Intent {
		case understand.IntentCancel, understand.IntentReschedule, understand.IntentNo:
			m.Intent = understand.IntentUnknown
		}
	}
	return m
}

// informative are the intents a model may give a text the built-in
// understanding read only as a greeting or not at all: questions answered
// from the clinic's data, and a wish to book.
func informative(i understand.Intent) bool {
	return i == understand.IntentPrice || i == understand.IntentHours || i == understand.IntentServices ||
		i == understand.IntentBook
}

// read reports whether the built-in understanding found anything in a text.
func read(u understand.Understanding) bool {
	return u.Intent != understand.IntentUnknown || u.ServiceID != "" || u.When != nil || u.Option > 0 || u.Name != "" ||
		u.Patient != ""
}

// answers reports whether u fills the slot asked.
func answers(u understand.Understanding, asked Question) bool {
	switch asked {
	case AskName:
		return u.Name != ""
	case AskPick:
		return u.Option > 0 || u.Shift != understand.ShiftNone || u.When != nil
	case AskPatient:
		return u.Patient != ""
	case AskService:
		return u.ServiceID != ""
	case AskTime:
		return u.When != nil
	}
	return false
}

// assistAnswers are the intents whose template answers may be replaced by
// the assist's reply.
var assistAnswers = map[understand.Intent]bool{
	understand.IntentGreeting: true,
	understand.IntentPrice:    true,
	understand.IntentHours:    true,
	understand.IntentServices: true,
	understand.IntentUnknown:  true,
}

// assistText is the text to send instead of the template for an answer
// to intent, or "" when the template answers. A notice (an expired hold)
// comes first and the lead's place (offered times, a hold, a booking)
// last, both from the templates.
func (t *turn) assistText(intent understand.Intent) string {
	r := t.assistReply(intent)
	if r == "" {
		return ""
	}
	text := join(t.notice, r, t.place())
	if utf8.RuneCountInString(text) > MaxReply {
		return ""
	}
	return text
}

// assistReply is the model's suggested answer to intent when it may be
// sent, or "". The first text to a lead must name the clinic.
func (t *turn) assistReply(intent understand.Intent) string {
	if t.assist == nil || !assistAnswers[intent] || t.purpose() != messages.PurposeReply {
		return ""
	}
	if intent == understand.IntentPrice && t.text != "" && t.said().Haggles() {
		return "" // a haggle hears the clinic's own specials, never a discount the model made up
	}
	r := strings.TrimSpace(t.assist.Reply)
	switch {
	case r == "", masked(r):
		return ""
	case t.first && !strings.Contains(strings.ToLower(r), strings.ToLower(t.c.Name)):
		return ""
	}
	return r
}

// masked reports a reply that still carries a masked detail.
func masked(r string) bool {
	return strings.Contains(r, "[NAME]") || strings.Contains(r, "[PHONE]") || strings.Contains(r, "[EMAIL]")
}
