package conversation

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

func staffAction(c *clinic.Clinic, a messages.StaffAction) messages.Envelope {
	e := envelope(c, messages.KindStaff)
	e.Staff = &a
	return e
}

func staffReplies(effects []Effect) []Reply {
	var rs []Reply
	for _, e := range effects {
		if r, ok := e.(Reply); ok {
			rs = append(rs, r)
		}
	}
	return rs
}

func eventData(effects []Effect, typ string) map[string]any {
	for _, e := range effects {
		if ev, ok := e.(Event); ok && ev.Type == typ {
			return ev.Data
		}
	}
	return nil
}

// bookedState is a lead with a booked Botox appointment starting at start,
// paid when paid.
func bookedState(t *testing.T, c *clinic.Clinic, start time.Time, paid bool) State {
	t.Helper()
	s := started(t, c)
	a := Appointment{ID: "ap_1", ServiceID: "botox", Start: start, End: start.Add(30 * time.Minute), Status: ApptBooked, BookedAt: t0}
	if paid {
		a.DepositCents, a.PaymentIntent, a.PaidCents = 5000, "pi_1", 5000
	}
	s.Appointments = []Appointment{a}
	s.Phase = PhaseBooked
	return s
}

func TestStaffTakeOverAndHandBack(t *testing.T) {
	c := glow(t)
	base := started(t, c)
	tests := []struct {
		name   string
		edit   func(*State)
		from   Phase
		handed Phase // the phase after the hand-back
	}{
		{"qualifying", func(s *State) {}, PhaseQualifying, PhaseQualifying},
		{"booked", func(s *State) {
			s.Phase, s.Appointments = PhaseBooked, []Appointment{{ID: "ap_1", Status: ApptBooked, Start: t0.Add(48 * time.Hour)}}
		}, PhaseBooked, PhaseBooked},
		{"booked, cancelled meanwhile", func(s *State) {
			s.Phase, s.Appointments = PhaseBooked, []Appointment{{ID: "ap_1", Status: ApptCancelled}}
		}, PhaseBooked, PhaseQualifying},
		{"offering", func(s *State) {
			s.Phase, s.Offers = PhaseOffering, []clinic.Slot{{Start: t0.Add(24 * time.Hour), End: t0.Add(25 * time.Hour)}}
		}, PhaseOffering, PhaseOffering},
		{"held", func(s *State) { s.Phase, s.Hold = PhaseHeld, &Hold{AppointmentID: "ap_2", Until: t0.Add(time.Hour)} }, PhaseHeld, PhaseHeld},
		{"lost", func(s *State) { s.Phase = PhaseLost }, PhaseLost, PhaseLost},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			tc.edit(&s)
			got, effects, err := Decide(s, c, staffAction(c, messages.StaffAction{Type: messages.StaffTakeOver, UserID: "u1"}), t0.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if got.Phase != PhaseHandedToStaff || got.StaffFrom != tc.from || len(staffReplies(effects)) != 0 {
				t.Fatalf("take over: phase %s from %s, effects %+v", got.Phase, got.StaffFrom, effects)
			}
			if d := eventData(effects, EventStaffTookOver); d == nil || d["user"] != "u1" {
				t.Errorf("took_over event = %v", d)
			}
			// The engine stays silent while staff have it.
			after, effects, _ := Decide(got, c, sms(c, c.PhoneNumbers[0], "how much is botox?"), t0.Add(2*time.Minute))
			if len(staffReplies(effects)) != 0 || after.Phase != PhaseHandedToStaff {
				t.Fatalf("engine answered with staff: %+v", effects)
			}
			back, effects, _ := Decide(after, c, staffAction(c, messages.StaffAction{Type: messages.StaffHandBack, UserID: "u2"}), t0.Add(3*time.Minute))
			if back.Phase != tc.handed || back.StaffFrom != "" {
				t.Errorf("hand back: phase %s (from %s), want %s", back.Phase, back.StaffFrom, tc.handed)
			}
			if d := eventData(effects, EventStaffHandedBack); d == nil || d["user"] != "u2" {
				t.Errorf("handed_back event = %v", d)
			}
		})
	}
}

func TestStaffSend(t *testing.T) {
	c := glow(t)
	day := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)  // noon in Chicago
	night := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC) // midnight in Chicago
	send := func(text, purpose string) messages.Envelope {
		return staffAction(c, messages.StaffAction{Type: messages.StaffSend, UserID: "u9", Text: text, Purpose: purpose})
	}
	tests := []struct {
		name     string
		lastIn   time.Time
		now      time.Time
		phase    Phase
		in       messages.Envelope
		purpose  messages.Purpose // "" when nothing is sent
		deferred bool
		event    string
	}{
		{"reply after the lead wrote", day.Add(-time.Minute), day, PhaseHandedToStaff, send("Hi, Sam here.", ""), messages.PurposeReply, false, ""},
		{"reply while the engine has it", day.Add(-time.Minute), day, PhaseQualifying, send("Hi, Sam here.", ""), messages.PurposeReply, false, ""},
		{"reply at night after the lead wrote", night.Add(-time.Minute), night, PhaseHandedToStaff, send("Hi, Sam here.", messages.StaffPurposeReply), messages.PurposeReply, false, ""},
		{"initiated by day", day.Add(-time.Hour), day, PhaseHandedToStaff, send("Hi, Sam here.", ""), messages.PurposeInitiated, false, ""},
		{"marked initiated", day.Add(-time.Minute), day, PhaseHandedToStaff, send("Hi, Sam here.", messages.StaffPurposeInitiated), messages.PurposeInitiated, false, ""},
		{"reply claimed long after", night.Add(-time.Hour), night, PhaseHandedToStaff, send("Hi, Sam here.", messages.StaffPurposeReply), "", true, EventReplyDeferred},
		{"initiated at night", night.Add(-time.Hour), night, PhaseHandedToStaff, send("Hi, Sam here.", ""), "", true, EventReplyDeferred},
		{"opted out", day.Add(-time.Minute), day, PhaseOptedOut, send("Hi, Sam here.", ""), "", false, EventStaffSendBlocked},
		{"empty", day.Add(-time.Minute), day, PhaseHandedToStaff, send("  ", ""), "", false, EventStaffFailed},
		{"too long", day.Add(-time.Minute), day, PhaseHandedToStaff, send(strings.Repeat("a", MaxReply+1), ""), "", false, EventStaffFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := started(t, c)
			s.Phase, s.LastInboundAt = tc.phase, tc.lastIn
			got, effects, err := Decide(s, c, tc.in, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			rs := staffReplies(effects)
			switch {
			case tc.purpose == "" && len(rs) != 0:
				t.Fatalf("sent %+v", rs)
			case tc.purpose != "" && (len(rs) != 1 || rs[0].Purpose != tc.purpose || rs[0].Author != "staff:u9" || rs[0].Text != "Hi, Sam here."):
				t.Fatalf("replies = %+v, want one %s by staff:u9", rs, tc.purpose)
			}
			if tc.purpose != "" && got.Recent[len(got.Recent)-1].Text != "Hi, Sam here." {
				t.Errorf("staff text not in the recent transcript: %+v", got.Recent)
			}
			if n := len(got.Deferred); tc.deferred != (n == 1) || tc.deferred && got.Deferred[0].Author != "staff:u9" {
				t.Errorf("deferred = %+v", got.Deferred)
			}
			if tc.event != "" && eventData(effects, tc.event) == nil {
				t.Errorf("no %s event in %+v", tc.event, effects)
			}
			if got.Phase != tc.phase || got.Turns != s.Turns || !got.LastInboundAt.Equal(s.LastInboundAt) {
				t.Errorf("a staff send moved the conversation: %+v", got)
			}
		})
	}
}

func TestStaffDeferredSurvivesTakeOver(t *testing.T) {
	c := glow(t)
	night := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	s := started(t, c)
	tr := &turn{s: s, c: c, now: night}
	tr.replyAs("The engine's follow-up", messages.PurposeInitiated)
	tr.deliverAs("Staff's note to the lead", messages.PurposeInitiated, "staff:u1")
	s = tr.s
	if len(s.Deferred) != 2 {
		t.Fatalf("deferred = %+v", s.Deferred)
	}
	s, effects, _ := Decide(s, c, staffAction(c, messages.StaffAction{Type: messages.StaffTakeOver, UserID: "u1"}), night)
	if len(s.Deferred) != 1 || s.Deferred[0].Author != "staff:u1" || !hasEvent(effects, EventDeferredDropped) {
		t.Fatalf("after take-over deferred = %+v", s.Deferred)
	}
	due, ok := wakeDue(s, TimerDeferredSend)
	if !ok {
		t.Fatal("no deferred-send timer")
	}
	timer := messages.Envelope{V: messages.Version, ID: "timer:1", Kind: messages.KindTimer, ClinicID: c.ID, LeadID: s.LeadID,
		Timer: &messages.TimerFired{Name: TimerDeferredSend, Due: due}}
	s, effects, _ = Decide(s, c, timer, due)
	rs := staffReplies(effects)
	if len(rs) != 1 || rs[0].Author != "staff:u1" || rs[0].Purpose != messages.PurposeInitiated || len(s.Deferred) != 0 {
		t.Errorf("timer sent %+v, deferred %+v", rs, s.Deferred)
	}
}

func TestStaffNotesAreBounded(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	var prev State
	for i := 0; i < MaxNotes+5; i++ {
		prev = s
		var effects []Effect
		s, effects, _ = Decide(s, c, staffAction(c, messages.StaffAction{Type: messages.StaffNote, UserID: "u1", Text: "note " + string(rune('A'+i))}), t0.Add(time.Duration(i)*time.Minute))
		if d := eventData(effects, EventStaffNote); d == nil || d["text"] != "note "+string(rune('A'+i)) || len(staffReplies(effects)) != 0 {
			t.Fatalf("note %d: effects %+v", i, effects)
		}
	}
	if len(s.Notes) != MaxNotes || s.Notes[MaxNotes-1].Text != "note "+string(rune('A'+MaxNotes+4)) || s.Notes[0].Text != "note F" {
		t.Fatalf("notes = %+v", s.Notes)
	}
	if len(prev.Notes) != MaxNotes || prev.Notes[MaxNotes-1].Text != "note "+string(rune('A'+MaxNotes+3)) {
		t.Errorf("the caller's state was modified: %+v", prev.Notes)
	}
	long := strings.Repeat("word ", MaxNoteText)
	s, _, _ = Decide(s, c, staffAction(c, messages.StaffAction{Type: messages.StaffNote, UserID: "u1", Text: long}), t0.Add(time.Hour))
	if n := len([]rune(s.Notes[MaxNotes-1].Text)); n > MaxNoteText {
		t.Errorf("note of %d characters kept", n)
	}
}

func TestStaffInvalid(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	for _, a := range []messages.StaffAction{{Type: "dance", UserID: "u1"}, {Type: messages.StaffNote, Text: "x"}} {
		got, effects, err := Decide(s, c, staffAction(c, a), t0)
		if !errors.Is(err, messages.ErrInvalid) || len(effects) != 0 || !reflect.DeepEqual(got, s) {
			t.Errorf("%+v: %v, %v", a, err, effects)
		}
	}
}

func TestStaffCancel(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		start  time.Time
		paid   bool
		phase  Phase
		refund bool
		next   Phase
	}{
		{"paid, outside the window", now.Add(72 * time.Hour), true, PhaseBooked, true, PhaseLost},
		{"paid, inside the window", now.Add(3 * time.Hour), true, PhaseBooked, true, PhaseLost},
		{"unpaid", now.Add(3 * time.Hour), false, PhaseBooked, false, PhaseLost},
		{"with staff", now.Add(3 * time.Hour), true, PhaseHandedToStaff, true, PhaseHandedToStaff},
		{"opted out", now.Add(3 * time.Hour), true, PhaseOptedOut, true, PhaseOptedOut},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := bookedState(t, c, tc.start, tc.paid)
			s.Phase, s.LastInboundAt = tc.phase, now.Add(-time.Hour)
			got, effects, err := Decide(s, c, staffAction(c, messages.StaffAction{Type: messages.StaffCancelAppointment, UserID: "u3", AppointmentID: "ap_1"}), now)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := got.FindAppointment("ap_1")
			if a.Status != ApptCancelled || got.Phase != tc.next {
				t.Fatalf("status %s phase %s", a.Status, got.Phase)
			}
			var cancel, refund bool
			for _, e := range effects {
				switch e := e.(type) {
				case CancelBooking:
					cancel = e.AppointmentID == "ap_1"
				case RefundDeposit:
					refund = e.AmountCents == 5000 && e.Reason == ""
				}
			}
			if !cancel || refund != tc.refund || a.RefundRequested != tc.refund || hasEvent(effects, EventDepositKept) {
				t.Errorf("cancel %v refund %v (want %v): %+v", cancel, refund, tc.refund, effects)
			}
			if d := eventData(effects, EventCancelled); d == nil || d["by"] != "staff" || d["user"] != "u3" {
				t.Errorf("cancelled event = %v", d)
			}
			rs := staffReplies(effects)
			if tc.phase == PhaseOptedOut {
				if len(rs) != 0 {
					t.Errorf("told an opted-out lead: %+v", rs)
				}
				return
			}
			if len(rs) != 1 || rs[0].Author != "staff:u3" || !strings.Contains(rs[0].Text, "Glow Chicago has cancelled your Botox appointment") ||
				tc.refund != strings.Contains(rs[0].Text, "refunded") {
				t.Errorf("lead told %+v", rs)
			}
		})
	}
	s := bookedState(t, c, now.Add(72*time.Hour), true)
	s.Appointments[0].Status = ApptCancelled
	for _, id := range []string{"ap_1", "ap_nope"} {
		got, effects, _ := Decide(s, c, staffAction(c, messages.StaffAction{Type: messages.StaffCancelAppointment, UserID: "u3", AppointmentID: id}), now)
		if !reflect.DeepEqual(got.Appointments, s.Appointments) || len(effects) != 1 || eventData(effects, EventStaffFailed) == nil {
			t.Errorf("cancel %s: %+v", id, effects)
		}
	}
}

func TestStaffReschedule(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	start := now.Add(48 * time.Hour)
	to := now.Add(72 * time.Hour)
	s := bookedState(t, c, start, true)
	s.Rescheduling, s.Phase = "ap_1", PhaseOffering // the lead was moving it too
	s, effects, err := Decide(s, c, staffAction(c, messages.StaffAction{Type: messages.StaffRescheduleAppointment, UserID: "u4", AppointmentID: "ap_1", NewStart: to}), now)
	if err != nil {
		t.Fatal(err)
	}
	var move MoveBooking
	for _, e := range effects {
		if m, ok := e.(MoveBooking); ok {
			move = m
		}
	}
	if move.AppointmentID != "ap_1" || !move.Start.Equal(to) || s.StaffMove == nil || s.Rescheduling != "" || s.Phase != PhaseBooked {
		t.Fatalf("move %+v, state %+v", move, s)
	}
	req := move.Request(s.LeadID)
	env := Env{Clinic: c}

	taken := HoldResult{Request: req, Outcome: ResultTaken}
	got, effects := ApplyHoldResult(s, env, taken, now)
	if d := eventData(effects, EventStaffFailed); d == nil || d["reason"] != ResultTaken || d["user"] != "u4" || len(staffReplies(effects)) != 0 {
		t.Errorf("taken: %+v", effects)
	}
	if a, _ := got.FindAppointment("ap_1"); !a.Start.Equal(start) || got.StaffMove != nil {
		t.Errorf("taken moved the booking: %+v", got)
	}

	moved := HoldResult{Request: req, Outcome: ResultMoved, Appointment: clinic.Appointment{ID: "ap_1", Start: to, End: to.Add(30 * time.Minute)}}
	got, effects = ApplyHoldResult(s, env, moved, now)
	a, _ := got.FindAppointment("ap_1")
	if !a.Start.Equal(to) || !a.BookedAt.Equal(now) || got.StaffMove != nil || got.Phase != PhaseBooked {
		t.Errorf("moved: %+v", got)
	}
	rs := staffReplies(effects)
	if len(rs) != 1 || rs[0].Author != "staff:u4" || !strings.Contains(rs[0].Text, "has moved your Botox appointment") || !strings.Contains(rs[0].Text, "deposit carries over") {
		t.Errorf("lead told %+v", rs)
	}
	if d := eventData(effects, EventMoved); d == nil || d["by"] != "staff" {
		t.Errorf("moved event = %v", d)
	}

	// An earlier staff move of the same booking is recorded silently.
	earlier := moved
	earlier.Request.Start = now.Add(96 * time.Hour)
	earlier.Appointment.Start = earlier.Request.Start
	got, effects = ApplyHoldResult(s, env, earlier, now)
	if a, _ := got.FindAppointment("ap_1"); !a.Start.Equal(earlier.Request.Start) || got.StaffMove == nil || len(staffReplies(effects)) != 0 {
		t.Errorf("earlier move: %+v, %+v", got, effects)
	}

	// Nothing to move.
	for _, a := range []messages.StaffAction{
		{Type: messages.StaffRescheduleAppointment, UserID: "u4", AppointmentID: "ap_1"},
		{Type: messages.StaffRescheduleAppointment, UserID: "u4", AppointmentID: "ap_x", NewStart: to},
	} {
		_, effects, _ := Decide(bookedState(t, c, start, false), c, staffAction(c, a), now)
		if len(effects) != 1 || eventData(effects, EventStaffFailed) == nil {
			t.Errorf("%+v: %+v", a, effects)
		}
	}
}

func TestStaffStateJSONRoundTrip(t *testing.T) {
	c := glow(t)
	s := started(t, c)
	s.Phase, s.StaffFrom = PhaseHandedToStaff, PhaseBooked
	s.Notes = []Note{{UserID: "u1", Text: "called her", At: t0}}
	s.StaffMove = &StaffMove{AppointmentID: "ap_1", Start: t0.Add(time.Hour), UserID: "u1"}
	s.Deferred = []Deferred{{Text: "hi", NotBefore: t0, Decided: t0, Author: "staff:u1"}}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip changed the state:\n%+v\n%+v", s, back)
	}
	for _, key := range []string{`"staff_from":"booked"`, `"notes":[`, `"staff_move":{`, `"author":"staff:u1"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON without %s: %s", key, b)
		}
	}
}
