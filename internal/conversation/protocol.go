// Booking protocol between a lead's conversation and its clinic.
//
// The calendar belongs to the clinic: one clinic actor owns its
// clinic.Calendar and applies hold requests one at a time, so two leads can
// never hold or book the same time. A lead's conversation never changes the
// calendar itself; it asks. One booking round trip is:
//
//  1. The lead actor calls DecideWith(state, Env{Clinic, Calendar}, msg, now)
//     with a copy of the clinic's current calendar. The conversation offers
//     open times from it (Calendar.Suggest). When the lead picks one, the
//     decision records the request in State.Pending and returns a HoldSlot
//     effect instead of a reply. Declining or cancelling a held time
//     returns a ReleaseSlot effect.
//  2. After committing that decision, the lead actor turns the effect into a
//     HoldRequest (HoldSlot.Request, ReleaseSlot.Request) and sends it to
//     the clinic actor.
//  3. The clinic actor calls DecideClinic(calendar, clinic, request, now),
//     persists the new calendar, and sends the HoldResult back to the lead.
//     DecideClinic first drops expired holds, so an expired or released
//     hold frees its time for everyone.
//  4. The lead actor calls ApplyHoldResult(state, env, result, now) and
//     commits its state and effects: "held for you until 3:45pm", or, when
//     the time was taken meanwhile, the nearest alternatives.
//
// All four functions are pure and deterministic; appointment ids derive
// from the lead, the service and the start, so replaying a request after a
// crash gives the same appointment. A result that no longer matches the
// lead's pending request (the lead moved on) is ignored, and a stale
// successful hold is released with a ReleaseSlot effect.
//
// Holds expire on their own: the clinic drops them (Calendar.ExpireHolds)
// and the lead notices at its next message or at a timer envelope
// (messages.KindTimer) after State.Hold.Until.
package conversation

import (
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/timeparse"
)

// Env is what a lead's decision may read besides its own state: the clinic's
// configuration, a copy of its calendar and, for an inbound text, what a
// language model made of it.
type Env struct {
	Clinic   *clinic.Clinic
	Calendar clinic.Calendar
	// Assist, when set, is the model's reading of an inbound text and its
	// suggested reply (assist.go); nil: the built-in understanding and
	// templates answer. Other kinds of message ignore it.
	Assist *Assist
}

// HoldSlot asks the clinic to hold Start for ServiceID for this lead.
type HoldSlot struct {
	ServiceID string    `json:"service_id"`
	Start     time.Time `json:"start"`
	// Want is what the lead asked for, so the clinic can offer the nearest
	// alternatives if the time is gone.
	Want timeparse.Preference `json:"want"`
	// ProviderID is the provider the lead asked for; "" lets the clinic
	// pick.
	ProviderID string `json:"provider_id,omitempty"`
}

// ReleaseSlot asks the clinic to free a held appointment.
type ReleaseSlot struct {
	AppointmentID string `json:"appointment_id"`
}

func (HoldSlot) isEffect()    {}
func (ReleaseSlot) isEffect() {}

// Request operations.
const (
	OpHold    = "hold"
	OpRelease = "release"
)

// HoldRequest is what a lead asks of its clinic's calendar.
type HoldRequest struct {
	Op            string               `json:"op"` // OpHold, OpRelease, OpBook, OpCancel or OpMove
	LeadID        string               `json:"lead_id"`
	ServiceID     string               `json:"service_id,omitempty"`
	Start         time.Time            `json:"start,omitzero"`
	End           time.Time            `json:"end,omitzero"` // OpBook: the held end
	Want          timeparse.Preference `json:"want"`
	AppointmentID string               `json:"appointment_id,omitempty"`
	// ProviderID is the provider asked for (OpHold, OpBook); "" for any.
	ProviderID string `json:"provider_id,omitempty"`
}

// Request is the clinic request for a HoldSlot effect of lead leadID.
func (h HoldSlot) Request(leadID string) HoldRequest {
	return HoldRequest{Op: OpHold, LeadID: leadID, ServiceID: h.ServiceID, Start: h.Start, Want: h.Want, ProviderID: h.ProviderID}
}

// Request is the clinic request for a ReleaseSlot effect of lead leadID.
func (r ReleaseSlot) Request(leadID string) HoldRequest {
	return HoldRequest{Op: OpRelease, LeadID: leadID, AppointmentID: r.AppointmentID}
}

// Hold results.
const (
	ResultHeld        = "held"
	ResultTaken       = "taken"
	ResultUnavailable = "unavailable"
	ResultReleased    = "released"
)

// HoldResult is the clinic's answer to a HoldRequest.
type HoldResult struct {
	Request     HoldRequest        `json:"request"`
	Outcome     string             `json:"outcome"`
	Appointment clinic.Appointment `json:"appointment,omitzero"`
	// Alternatives are open times offered when the one asked for is gone.
	Alternatives []clinic.Slot `json:"alternatives,omitempty"`
}

// OK reports whether the request succeeded.
func (r HoldResult) OK() bool {
	switch r.Outcome {
	case ResultHeld, ResultReleased, ResultBooked, ResultCancelled, ResultMoved:
		return true
	}
	return false
}

// maxOffers is how many times one reply offers.
const maxOffers = 3

// offerGrace is how long an offered time stays bookable: times are offered
// only when they still clear the clinic's lead time this long after the
// offer, so the soonest one offered is not gone when the lead picks it a
// few minutes later.
const offerGrace = 5 * time.Minute

// suggest offers times for a wish, those that clear the clinic's lead time
// by offerGrace first; only when none of those matches the wish are times
// inside the grace offered (the only time left today is better offered
// than lost). Holds and bookings keep the clinic's own lead time.
func suggest(cal clinic.Calendar, c *clinic.Clinic, svc clinic.Service, providerID string, want timeparse.Preference, now time.Time) ([]clinic.Slot, bool) {
	o := *c
	o.LeadTimeMinutes += int(offerGrace / time.Minute)
	slots, exact := cal.SuggestWith(&o, svc, providerID, want, now, maxOffers)
	if !exact {
		if near, ok := cal.SuggestWith(c, svc, providerID, want, now, maxOffers); ok {
			return near, true
		}
	}
	return slots, exact
}

// DecideClinic applies one lead's request to the clinic's calendar. It is
// pure: the clinic actor persists the returned calendar and sends the
// result to the lead.
func DecideClinic(cal clinic.Calendar, c *clinic.Clinic, req HoldRequest, now time.Time) (clinic.Calendar, HoldResult) {
	cal = cal.ExpireHolds(now)
	switch req.Op {
	case OpBook, OpCancel, OpMove:
		return decideBooking(cal, c, req, now)
	}
	res := HoldResult{Request: req}
	if req.Op == OpRelease {
		if a, ok := cal.Find(req.AppointmentID); ok && a.LeadID == req.LeadID {
			cal = cal.Release(req.AppointmentID)
		}
		res.Outcome = ResultReleased
		return cal, res
	}
	svc, ok := c.ServiceByID(req.ServiceID)
	if !ok {
		res.Outcome = ResultUnavailable
		return cal, res
	}
	next, appt, err := cal.HoldWith(c, req.LeadID, svc, req.ProviderID, req.Start, now)
	switch err {
	case nil:
		res.Outcome, res.Appointment = ResultHeld, appt
		return next, res
	case clinic.ErrSlotTaken:
		res.Outcome = ResultTaken
	default:
		res.Outcome = ResultUnavailable
	}
	res.Alternatives, _ = suggest(cal, c, svc, req.ProviderID, req.Want, now)
	res.Alternatives = utcSlots(res.Alternatives)
	return cal, res
}

func utcSlots(in []clinic.Slot) []clinic.Slot {
	if len(in) == 0 {
		return nil
	}
	out := make([]clinic.Slot, len(in))
	for i, s := range in {
		out[i] = clinic.Slot{Start: s.Start.UTC(), End: s.End.UTC()}
	}
	return out
}
