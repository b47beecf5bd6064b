package leadsim

import (
	"context"
	"fmt"
	"github.com/medspa/engine/internal/llm"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
)

// engine plays the real core for one lead, and the clinic's side of the
// booking protocol as the actors do: every calendar effect goes through
// DecideClinic and its answer back through ApplyHoldResult.
type engine struct {
	c     *clinic.Clinic
	cal   clinic.Calendar
	s     conversation.State
	phone string // the lead
	to    string // the clinic number texted
	n     int
	// assistant, when set, reads every text first (the model path).
	assistant llm.Assistant
}

// text delivers one SMS from the lead at now and returns the texts the
// engine sent in answer.
func (e *engine) text(body string, now time.Time) ([]string, error) {
	e.n++
	lead := messages.LeadID(e.c.ID, e.phone)
	in := messages.Envelope{
		V: messages.Version, ID: fmt.Sprintf("sim:%s:%d", e.phone, e.n), Kind: messages.KindSMS,
		ClinicID: e.c.ID, LeadID: lead, Phone: e.phone, Received: now,
		SMS: &messages.InboundSMS{Carrier: messages.CarrierTelnyx, ProviderID: fmt.Sprintf("sim-%d", e.n),
			From: e.phone, To: e.to, Text: body},
	}
	env := conversation.Env{Clinic: e.c, Calendar: e.cal}
	if q, ok := conversation.Consultation(e.s, e.c, in, now); ok && e.assistant != nil {
		env.Assist, _ = llm.AssistFor(context.Background(), e.assistant, e.c, q, now)
	}
	next, effects, err := conversation.DecideWith(e.s, env, in, now)
	if err != nil {
		return nil, err
	}
	e.s = next
	var replies []string
	queue := e.collect(effects, &replies)
	for len(queue) > 0 {
		req := queue[0].Request(e.s.LeadID)
		queue = queue[1:]
		var res conversation.HoldResult
		e.cal, res = conversation.DecideClinic(e.cal, e.c, req, now)
		var more []conversation.Effect
		e.s, more = conversation.ApplyHoldResult(e.s, conversation.Env{Clinic: e.c, Calendar: e.cal}, res, now)
		queue = append(queue, e.collect(more, &replies)...)
	}
	return replies, nil
}

// collect adds the reply texts of effects to replies and returns the
// calendar requests among them.
func (e *engine) collect(effects []conversation.Effect, replies *[]string) []conversation.CalendarEffect {
	var out []conversation.CalendarEffect
	for _, ef := range effects {
		switch ef := ef.(type) {
		case conversation.Reply:
			*replies = append(*replies, ef.Text)
		case conversation.CalendarEffect:
			out = append(out, ef)
		}
	}
	return out
}

// held returns the start of the time held or booked for the lead.
func held(s conversation.State) (time.Time, bool) {
	if s.Hold != nil {
		return s.Hold.Start, true
	}
	for i := len(s.Appointments) - 1; i >= 0; i-- {
		switch a := s.Appointments[i]; a.Status {
		case conversation.ApptHeld, conversation.ApptPendingDeposit, conversation.ApptBooked:
			return a.Start, true
		}
	}
	return time.Time{}, false
}
