package conversation

import (
	"strconv"
	"strings"
	"time"

	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/messages"
)

// Every text the core sends is a reply or an initiated text. A reply
// answers a message the lead sent (a text, a web form) in the last
// replyWindow; everything else (timers, missed-call text-backs) is
// initiated and goes out only inside the recipient's window and under the
// state's daily cap (compliance.Check). An initiated text decided outside
// the window is kept in State.Deferred and sent when the window opens
// (TimerDeferredSend); it is dropped only when the lead opts out, or, for
// the engine's own texts, when staff took the conversation over meanwhile.
const (
	// replyWindow is how long after the lead's message a text still
	// answers it.
	replyWindow = 5 * time.Minute
	// MaxDeferred bounds the deferred texts a state keeps; past it the
	// oldest is dropped.
	MaxDeferred = 5
	// maxInitiated bounds the initiated send times a state keeps (the
	// strictest cap is 3 per 24 hours).
	maxInitiated = 16
	// textBackEvery is how often a missed call is answered by text at most.
	textBackEvery = 12 * time.Hour
)

// reply sends one text in answer to the lead's latest message, or as an
// initiated text when that message is older than replyWindow.
func (t *turn) reply(text string) { t.replyAs(text, t.purpose()) }

// purpose is PurposeReply while the lead's latest message is recent.
func (t *turn) purpose() messages.Purpose {
	if !t.s.LastInboundAt.IsZero() && t.now.Sub(t.s.LastInboundAt) <= replyWindow {
		return messages.PurposeReply
	}
	return messages.PurposeInitiated
}

// replyAs sends one text with a purpose. Nothing goes to an opted-out lead;
// an initiated text outside the recipient's window is deferred.
func (t *turn) replyAs(text string, purpose messages.Purpose) {
	t.deliver(truncate(strings.TrimSpace(text), MaxReply), purpose)
}

// replyLink sends prose followed by a link; only the prose is shortened to
// fit MaxReply, a link is never cut.
func (t *turn) replyLink(prose, link string, purpose messages.Purpose) {
	room := max(MaxReply-len([]rune(link))-1, 40)
	t.deliver(truncate(strings.TrimSpace(prose), room)+" "+link, purpose)
}

// deliver sends text as it is, with the opt-out and window rules of
// replyAs.
func (t *turn) deliver(text string, purpose messages.Purpose) { t.deliverAs(text, purpose, "") }

// replyFrom sends text, already fitted to MaxReply, in answer to the lead's
// latest message, recording source (SourceModel for a suggested reply).
func (t *turn) replyFrom(text, source string) { t.deliverFrom(text, t.purpose(), "", source) }

// deliverAs is deliver for a text written by author ("" for the engine,
// "staff:<user>").
func (t *turn) deliverAs(text string, purpose messages.Purpose, author string) {
	t.deliverFrom(text, purpose, author, SourceBuiltin)
}

// deliverFrom is deliverAs for a text from source. A deferred text goes out
// later as SourceBuiltin; replyFrom's texts answer the lead's message just
// received and are never deferred.
func (t *turn) deliverFrom(text string, purpose messages.Purpose, author, source string) {
	if text == "" || t.s.Phase == PhaseOptedOut {
		return
	}
	if purpose == messages.PurposeInitiated {
		d := compliance.Check(purpose, t.recipient(), t.c.Timezone, t.now, t.s.Initiated)
		if !d.Allowed {
			t.deferText(text, d, author)
			return
		}
		t.noteInitiated()
	}
	t.emitFrom(text, purpose, "", author, source)
}

// send answers a carrier keyword. It bypasses the opted-out rule: the
// opt-out confirmation and HELP answers are allowed to an opted-out number.
func (t *turn) send(text, keyword string) {
	t.emit(truncate(strings.TrimSpace(text), MaxReply), messages.PurposeReply, keyword)
}

// emit adds the Reply effect and records it in the transcript.
func (t *turn) emit(text string, purpose messages.Purpose, keyword string) {
	t.emitAs(text, purpose, keyword, "")
}

// emitAs is emit for a text written by author.
func (t *turn) emitAs(text string, purpose messages.Purpose, keyword, author string) {
	t.emitFrom(text, purpose, keyword, author, SourceBuiltin)
}

// emitFrom is emitAs for a text from source.
func (t *turn) emitFrom(text string, purpose messages.Purpose, keyword, author, source string) {
	t.effects = append(t.effects, Reply{Text: text, Purpose: purpose, Keyword: keyword, Author: author, Source: source,
		ClinicTZ: t.c.Timezone, RecipientState: t.s.RecipientState, RecipientTZ: t.s.RecipientTZ})
	t.s.record(DirOut, text, t.now)
}

func (t *turn) recipient() compliance.Recipient {
	return compliance.Recipient{Phone: t.s.Phone, State: t.s.RecipientState, TZ: t.s.RecipientTZ}
}

// noteInitiated records an initiated send now, keeping the last 24 hours.
func (t *turn) noteInitiated() {
	keep := make([]time.Time, 0, len(t.s.Initiated)+1)
	for _, at := range t.s.Initiated {
		if at.After(t.now.Add(-24 * time.Hour)) {
			keep = append(keep, at)
		}
	}
	keep = append(keep, t.now)
	if len(keep) > maxInitiated {
		keep = keep[len(keep)-maxInitiated:]
	}
	t.s.Initiated = keep
}

// deferText keeps an initiated text of author until d.NotBefore.
func (t *turn) deferText(text string, d compliance.Decision, author string) {
	q := make([]Deferred, 0, len(t.s.Deferred)+1)
	q = append(q, t.s.Deferred...)
	if len(q) >= MaxDeferred {
		t.event(EventDeferredDropped, "count", strconv.Itoa(len(q)-MaxDeferred+1), "reason", "overflow")
		q = q[len(q)-MaxDeferred+1:]
	}
	notBefore := d.NotBefore.UTC()
	t.s.Deferred = append(q, Deferred{Text: text, NotBefore: notBefore, Reason: d.Reason, Decided: t.now, Author: author})
	kv := []string{"not_before", notBefore.Format(time.RFC3339), "reason", d.Reason}
	if author != "" {
		kv = append(kv, "author", author)
	}
	t.event(EventReplyDeferred, kv...)
}

// dropDeferred forgets every deferred text.
func (t *turn) dropDeferred(reason string) {
	if len(t.s.Deferred) == 0 {
		return
	}
	t.event(EventDeferredDropped, "count", strconv.Itoa(len(t.s.Deferred)), "reason", reason)
	t.s.Deferred = nil
}

// flushDeferred sends the deferred texts whose time has come, checking the
// window and the cap again; one still not allowed waits for its new time.
func (t *turn) flushDeferred() {
	switch {
	case len(t.s.Deferred) == 0:
		return
	case t.s.Phase == PhaseOptedOut:
		t.dropDeferred("opted_out")
		return
	case t.s.Phase == PhaseHandedToStaff:
		t.dropEngineDeferred() // nothing automatic interrupts staff; staff's own texts still go
	}
	var keep []Deferred
	for _, d := range t.s.Deferred {
		if t.now.Before(d.NotBefore) {
			keep = append(keep, d)
			continue
		}
		dec := compliance.Check(messages.PurposeInitiated, t.recipient(), t.c.Timezone, t.now, t.s.Initiated)
		if !dec.Allowed {
			d.NotBefore, d.Reason = dec.NotBefore.UTC(), dec.Reason
			keep = append(keep, d)
			continue
		}
		t.noteInitiated()
		t.emitAs(d.Text, messages.PurposeInitiated, "", d.Author)
	}
	t.s.Deferred = keep
}

// dropEngineDeferred forgets the engine's deferred texts and keeps staff's.
func (t *turn) dropEngineDeferred() {
	var keep []Deferred
	for _, d := range t.s.Deferred {
		if d.Author != "" {
			keep = append(keep, d)
		}
	}
	if n := len(t.s.Deferred) - len(keep); n > 0 {
		t.event(EventDeferredDropped, "count", strconv.Itoa(n), "reason", "handed_to_staff")
		t.s.Deferred = keep
	}
}
