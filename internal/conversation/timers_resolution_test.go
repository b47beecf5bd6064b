package conversation

import (
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// Stores keep times to the microsecond; a timer read back from a store
// still fires for the state that set it with a nanosecond due time.
func TestTimerFiresWithStoreResolution(t *testing.T) {
	c := &clinic.Demo()[0]
	until := time.Date(2026, 11, 20, 18, 25, 0, 123456789, time.UTC)
	s := State{ClinicID: c.ID, LeadID: "ld_test", Phone: "+13125550123", ClinicNumber: c.PhoneNumbers[0], Carrier: messages.CarrierTelnyx,
		Phase: PhaseHeld, Consent: "inbound_text", Hold: &Hold{AppointmentID: "ap_1", ServiceID: "botox", Start: until.Add(24 * time.Hour), End: until.Add(25 * time.Hour), Until: until}}
	in := messages.Envelope{V: messages.Version, ID: "timer:x", Kind: messages.KindTimer, ClinicID: c.ID, LeadID: "ld_test", Received: until,
		Timer: &messages.TimerFired{Name: TimerHoldExpiry, Due: until.Truncate(time.Microsecond)}}
	next, _, err := DecideWith(s, Env{Clinic: c}, in, until.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if next.Hold != nil {
		t.Fatalf("hold still there after its expiry timer fired: phase %s", next.Phase)
	}
}

// A clinic without a review link sends nothing after a visit, and the
// review timer goes away once it fired.
func TestReviewTimerWithoutLinkSendsNothing(t *testing.T) {
	c := clinic.Demo()[0]
	c.ReviewLink = ""
	start := time.Date(2026, 11, 21, 21, 0, 0, 0, time.UTC)
	s := State{ClinicID: c.ID, LeadID: "ld_test", Phone: "+13125550123", ClinicNumber: c.PhoneNumbers[0], Carrier: messages.CarrierTelnyx,
		Phase: PhaseBooked, Consent: "inbound_text",
		Appointments: []Appointment{{ID: "ap_1", ServiceID: "botox", Start: start, End: start.Add(30 * time.Minute), Status: ApptBooked, BookedAt: start.Add(-48 * time.Hour),
			Attendance: clinic.AttendanceCompleted}}}
	due, ok := wakeDue(s, TimerReview)
	if !ok || !due.Equal(start.Add(30*time.Minute+ReviewAfter)) {
		t.Fatalf("review timer = %v, %v", due, ok)
	}
	in := messages.Envelope{V: messages.Version, ID: "timer:r", Kind: messages.KindTimer, ClinicID: c.ID, LeadID: "ld_test", Received: due,
		Timer: &messages.TimerFired{Name: TimerReview, Due: due}}
	next, effects, err := DecideWith(s, Env{Clinic: &c}, in, due)
	if err != nil {
		t.Fatal(err)
	}
	if len(effects) != 0 {
		t.Errorf("effects %+v, want none without a review link", effects)
	}
	if _, ok := wakeDue(next, TimerReview); ok {
		t.Error("the review timer is still wanted after it fired")
	}
}

// An opted-out lead is never asked for a review: the timer is not set.
func TestNoReviewTimerAfterOptOut(t *testing.T) {
	start := time.Date(2026, 11, 21, 21, 0, 0, 0, time.UTC)
	s := State{Phase: PhaseOptedOut, Consent: "inbound_text",
		Appointments: []Appointment{{ID: "ap_1", ServiceID: "botox", Start: start, End: start.Add(30 * time.Minute), Status: ApptBooked}}}
	if _, ok := wakeDue(s, TimerReview); ok {
		t.Error("review timer set for an opted-out lead")
	}
	s.Phase = PhaseBooked
	if _, ok := wakeDue(s, TimerReview); ok {
		t.Error("review timer set before staff recorded the visit completed")
	}
	for _, status := range []string{clinic.AttendanceArrived, clinic.AttendanceNoShow} {
		s.Appointments[0].Attendance = status
		if _, ok := wakeDue(s, TimerReview); ok {
			t.Errorf("review timer set for a visit recorded %s", status)
		}
	}
	s.Appointments[0].Attendance = clinic.AttendanceCompleted
	if _, ok := wakeDue(s, TimerReview); !ok {
		t.Error("no review timer for a completed visit")
	}
}
