package conversation

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/medspa/engine/messages"
)

// ErrNoConversation: a message that needs a conversation (a payment) for
// one that does not exist. It can never be applied; the caller moves it to
// the dead-letter subject for a person to look at.
var ErrNoConversation = fmt.Errorf("%w: payment for a conversation that does not exist", messages.ErrInvalid)

// Step is one decided message with everything the caller writes for it,
// in the manner of a raft Ready: the next state, the effects to run after
// the commit, the transcript lines to append and the timers to set and to
// cancel. The caller maps it to rows; it decides nothing.
type Step struct {
	// Prev is the state before, nil when the conversation is new.
	Prev *State
	// State is the next state; Store is false when there is nothing to
	// store (a timer, receipt or staff action for a conversation that
	// does not exist).
	State   State
	Store   bool
	Effects []Effect
	// Lines are the transcript lines of the step, in order: the inbound
	// message's, then one per Reply.
	Lines []TranscriptLine
	// SetTimers are the timers the next state needs that are not stored
	// at that time; CancelTimers are the names of the stored ones it no
	// longer needs (Timers of the state before and after, DiffTimers).
	SetTimers    []Wake
	CancelTimers []string
}

// TranscriptLine is one line of a conversation's full transcript, as the
// store keeps it and the staff inbox shows it.
type TranscriptLine struct {
	// ID is the inbound message's id, or for a reply EffectID of it.
	ID        string
	Direction string // DirIn or DirOut
	// Author is AuthorLead, AuthorEngine, AuthorModel or "staff:<user>".
	Author string
	Text   string
	At     time.Time
}

// Authors of transcript lines.
const (
	AuthorLead   = "lead"
	AuthorEngine = "engine"
	// AuthorModel: a language model's suggested reply was sent (which
	// model is recorded on the message).
	AuthorModel = "engine:model"
)

// EffectID is the id of the i-th effect of the step with the given key
// (the inbound message's id, or a key derived from it): deciding the same
// message again gives the same ids, so the outbox never sends twice.
func EffectID(key string, i int) string { return key + "#" + strconv.Itoa(i) }

// Apply decides one inbound message for the conversation prev (nil when
// none is stored) and returns the step to store under key. Only the lead's
// own messages (a text, a missed call, a web form) open a conversation: a
// payment for none is ErrNoConversation, and a timer, receipt or staff
// action for none is a step with nothing to store.
func Apply(key string, prev *State, env Env, in messages.Envelope, now time.Time) (Step, error) {
	var start State
	if prev != nil {
		start = *prev
	} else if !Opens(in.Kind) {
		if in.Kind == messages.KindPayment {
			return Step{}, ErrNoConversation
		}
		return Step{}, nil
	}
	next, effects, err := DecideWith(start, env, in, now)
	if err != nil {
		return Step{}, err
	}
	return Settle(key, prev, next, &in, effects, now), nil
}

// Opens reports whether a message of kind k may open a conversation.
func Opens(k messages.Kind) bool {
	_, ok := kindHandlers[k]
	return ok
}

// Settle returns the step of a decision already made: Apply's, or the
// clinic's answer to a calendar request (ApplyHoldResult, in nil).
func Settle(key string, prev *State, next State, in *messages.Envelope, effects []Effect, now time.Time) Step {
	st := Step{Prev: prev, State: next, Store: true, Effects: effects}
	if in != nil {
		if text := InboundText(*in); text != "" {
			st.Lines = append(st.Lines, TranscriptLine{ID: in.ID, Direction: DirIn, Author: AuthorLead, Text: text, At: in.Received})
		}
	}
	for i, e := range effects {
		if r, ok := e.(Reply); ok {
			st.Lines = append(st.Lines, TranscriptLine{ID: EffectID(key, i), Direction: DirOut, Author: r.author(), Text: r.Text, At: now})
		}
	}
	fired := ""
	if in != nil && in.Timer != nil {
		fired = in.Timer.Name
	}
	st.SetTimers, st.CancelTimers = DiffTimers(prev, next, fired)
	return st
}

// author is who the transcript names for a reply.
func (r Reply) author() string {
	switch {
	case r.Author != "":
		return r.Author
	case r.Source == SourceModel:
		return AuthorModel
	}
	return AuthorEngine
}

// DiffTimers returns the timers next needs that prev did not have (or had
// at another time), and the names of those prev had that next no longer
// needs, sorted. The timer that just fired (fired) was deleted when it was
// delivered, so if next still needs it (it fired early by the caller's
// clock) it is set again.
func DiffTimers(prev *State, next State, fired string) (set []Wake, cancel []string) {
	had := map[string]time.Time{}
	if prev != nil {
		for _, w := range Timers(*prev) {
			if w.Name != fired {
				had[w.Name] = w.At
			}
		}
	}
	for _, w := range Timers(next) {
		at, ok := had[w.Name]
		delete(had, w.Name)
		if !ok || !at.Equal(w.At) {
			set = append(set, w)
		}
	}
	for name := range had {
		cancel = append(cancel, name)
	}
	slices.Sort(cancel)
	return set, cancel
}
