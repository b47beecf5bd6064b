package llm

import (
	"errors"
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/timeparse"
	"github.com/medspa/engine/internal/understand"
)

// Source says which understanding answered a message.
type Source string

// Sources.
const (
	SourceModel   Source = "model"
	SourceBuiltin Source = "builtin"
)

// Why the model was not used. Fallback turns each into the built-in answer.
var (
	ErrOff         = errors.New("model turned off for this clinic")
	ErrInjection   = errors.New("message carries an injection attempt")
	ErrMedical     = errors.New("medical question: for staff, not the model")
	ErrBreakerOpen = errors.New("model circuit breaker open")
	ErrInvalid     = errors.New("model output invalid")
	ErrTimeout     = errors.New("model timed out")
)

// Line is one message of the recent conversation.
type Line struct {
	FromLead bool
	Text     string
}

// Request is what one Understand call may send to the model: the lead's
// latest text, a short window of recent lines, the facts a reply may use
// and the clinic's persona. Names are masked before anything is sent.
type Request struct {
	Text    string // the lead's latest message
	Window  []Line // recent lines, oldest first; only the last Config.Window are sent
	Facts   Facts
	Persona string // the clinic's tone: "warm, upbeat, first names, no emoji"
	// Names are masked as [NAME] in everything sent: the lead's known name
	// and any name the built-in understanding found in Text.
	Names []string
	// LeadName replaces [NAME] in a suggested reply; empty when unknown.
	LeadName string
	// Off is the clinic's setting that keeps its conversations away from
	// the model.
	Off bool
	// Asked is what the clinic's last message asked (conversation.Question:
	// "name", "pick", "time", ...): the latest message is read first as
	// its answer. Facts.Slots are the times on offer.
	Asked string
}

// Entities are what the model read in the message.
type Entities struct {
	Name      string `json:"name,omitempty"`
	ServiceID string `json:"service_id,omitempty"`
	TimeText  string `json:"time_text,omitempty"` // the lead's words for a day or time
	Option    int    `json:"option,omitempty"`    // offered time picked by number, 1-based
	Patient   string `json:"patient,omitempty"`   // understand.PatientNew or PatientReturning
}

// Usage is the model's token count for one call.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// Result is one message's understanding and suggested reply, and who gave it.
type Result struct {
	Source   Source
	Intent   understand.Intent
	Entities Entities
	// SuggestedReply passed CheckReply against the request's facts; empty
	// means the state machine's template answers.
	SuggestedReply string
	// Builtin is the built-in understanding (set by Fallback); it answers
	// when Source is SourceBuiltin and fills the model's gaps otherwise.
	Builtin understand.Understanding
	Usage   Usage
	Latency time.Duration
	// Outcome is the metrics outcome; Reason says, for logs, why the model
	// was not used or its reply was refused ("" when all went well). It
	// never quotes the lead or the model.
	Outcome   string
	Reason    string
	Injection bool // the lead's text carried an injection attempt
}

// Understanding is the result as the decision takes it. With SourceBuiltin
// it is the built-in understanding; with SourceModel it is the model's
// intent and entities, its day or time read at now in loc, and the
// built-in entities where the model found none.
func (r Result) Understanding(now time.Time, loc *time.Location) understand.Understanding {
	if r.Source != SourceModel {
		return r.Builtin
	}
	if loc == nil {
		loc = time.UTC
	}
	u := understand.Understanding{
		Intent:    r.Intent,
		Name:      r.Entities.Name,
		ServiceID: r.Entities.ServiceID,
		Option:    r.Entities.Option,
		Patient:   r.Entities.Patient,
	}
	if r.Entities.TimeText != "" && u.Option == 0 {
		if p, ok := timeparse.Parse(r.Entities.TimeText, now, loc); ok {
			u.When = &p
		}
	}
	b := r.Builtin
	if u.Name == "" {
		u.Name = b.Name
	}
	if u.ServiceID == "" {
		u.ServiceID = b.ServiceID
	}
	if u.When == nil && u.Option == 0 {
		u.When = b.When
	}
	if u.Option == 0 && u.When == nil {
		u.Option = b.Option
	}
	if u.Patient == "" {
		u.Patient = b.Patient
	}
	return u
}

// WindowFrom turns the conversation's recent lines into a request window,
// keeping the last n.
func WindowFrom(recent []conversation.Line, n int) []Line {
	if n > 0 && len(recent) > n {
		recent = recent[len(recent)-n:]
	}
	out := make([]Line, 0, len(recent))
	for _, l := range recent {
		out = append(out, Line{FromLead: l.Dir == conversation.DirIn, Text: l.Text})
	}
	return out
}

// intents is the vocabulary the model chooses from: the core's own.
var intents = []understand.Intent{
	understand.IntentGreeting, understand.IntentPrice, understand.IntentHours,
	understand.IntentServices, understand.IntentBook, understand.IntentPick,
	understand.IntentCancel, understand.IntentReschedule, understand.IntentHuman,
	understand.IntentMedical, understand.IntentUrgent, understand.IntentComplaint, understand.IntentYes,
	understand.IntentNo, understand.IntentThanks, understand.IntentUnknown,
}

func knownIntent(s string) bool {
	for _, i := range intents {
		if string(i) == s {
			return true
		}
	}
	return false
}

// handOff reports intents that go to staff: the model writes no reply for them.
func handOff(i understand.Intent) bool {
	return i == understand.IntentMedical || i == understand.IntentComplaint || i == understand.IntentHuman
}
