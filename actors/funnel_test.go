package actors

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

func stageList(fs []persistence.FunnelStage) string {
	var out []string
	for _, f := range fs {
		s := f.Stage
		if f.Ref != "" {
			s += ":" + f.Ref
		}
		if f.AmountCents != 0 {
			s += fmt.Sprintf("=%d", f.AmountCents)
		}
		if f.Source != "" {
			s += "(" + strings.TrimSpace(f.Source+" "+f.UTMSource+" "+f.UTMCampaign) + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestFunnelStages(t *testing.T) {
	now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	origin := now.Add(-time.Second)
	sms := &messages.Envelope{Kind: messages.KindSMS, SMS: &messages.InboundSMS{Carrier: messages.CarrierTelnyx}}
	twilio := &messages.Envelope{Kind: messages.KindSMS, SMS: &messages.InboundSMS{Carrier: messages.CarrierTwilio}}
	web := &messages.Envelope{Kind: messages.KindWebLead, Web: &messages.WebLead{}}
	missed := &messages.Envelope{Kind: messages.KindMissed, Missed: &messages.MissedCall{}}
	reply := []conversation.Effect{conversation.Reply{Text: "hi"}}
	staff := []conversation.Effect{conversation.Reply{Text: "Amy here", Author: "staff:amy"}}
	in := conversation.Line{Dir: conversation.DirIn}
	out := conversation.Line{Dir: conversation.DirOut}
	appt := func(id, status, intent string, paid int64) conversation.Appointment {
		return conversation.Appointment{ID: id, Status: status, PaymentIntent: intent, PaidCents: paid}
	}
	st := func(phase conversation.Phase, recent []conversation.Line, appts ...conversation.Appointment) *conversation.State {
		return &conversation.State{Phase: phase, Recent: recent, Appointments: appts}
	}
	for _, tt := range []struct {
		name    string
		prev    *conversation.State
		next    conversation.State
		in      *messages.Envelope
		effects []conversation.Effect
		want    string
	}{
		{"new text answered", nil, conversation.State{Phase: conversation.PhaseQualifying}, sms, reply, "created(sms_telnyx) first_reply"},
		{"new twilio text", nil, conversation.State{Phase: conversation.PhaseQualifying}, twilio, nil, "created(sms_twilio)"},
		{"missed call", nil, conversation.State{}, missed, reply, "created(missed_call) first_reply"},
		{"web form with campaign", nil, conversation.State{UTM: &messages.UTM{Source: "google", Medium: "cpc", Campaign: "spring"}}, web, reply,
			"created(web_form google spring) first_reply"},
		{"answered before: no first reply", st(conversation.PhaseQualifying, []conversation.Line{in, out, in}), conversation.State{}, nil, reply, ""},
		{"first text after the answer", st(conversation.PhaseQualifying, []conversation.Line{in, out}), conversation.State{}, sms, reply, "engaged"},
		{"later texts", st(conversation.PhaseQualifying, []conversation.Line{in, out, in, out}), conversation.State{}, sms, reply, ""},
		{"a text before any answer", st(conversation.PhaseNew, []conversation.Line{in}), conversation.State{}, sms, nil, ""},
		{"offered", st(conversation.PhaseQualifying, nil), conversation.State{Offers: make([]clinic.Slot, 2)}, nil, nil, "offered"},
		{"held", st(conversation.PhaseOffering, nil), conversation.State{Appointments: []conversation.Appointment{appt("a1", conversation.ApptPendingDeposit, "", 0)}}, nil, nil, "held"},
		{"deposit paid and booked", st(conversation.PhaseDeposit, nil, appt("a1", conversation.ApptPendingDeposit, "", 0)),
			conversation.State{Appointments: []conversation.Appointment{appt("a1", conversation.ApptBooked, "pi_1", 5000)}}, nil, nil, "booked deposit_paid:a1=5000"},
		{"cancelled with refund", st(conversation.PhaseBooked, nil, appt("a1", conversation.ApptBooked, "pi_1", 5000)),
			conversation.State{Appointments: []conversation.Appointment{{ID: "a1", Status: conversation.ApptCancelled, PaymentIntent: "pi_1", PaidCents: 5000, RefundRequested: true}}},
			nil, nil, "cancelled deposit_refunded:a1=5000"},
		{"refund confirmed after it was asked: nothing new", st(conversation.PhaseBooked, nil, conversation.Appointment{ID: "a1", Status: conversation.ApptCancelled, PaymentIntent: "pi_1", PaidCents: 5000, RefundRequested: true}),
			conversation.State{Appointments: []conversation.Appointment{{ID: "a1", Status: conversation.ApptCancelled, PaymentIntent: "pi_1", PaidCents: 5000, RefundRequested: true, Refunded: true}}},
			nil, nil, ""},
		{"a held time expiring is no cancellation", st(conversation.PhaseHeld, nil, appt("a1", conversation.ApptHeld, "", 0)),
			conversation.State{Appointments: []conversation.Appointment{appt("a1", conversation.ApptExpired, "", 0)}}, nil, nil, ""},
		{"visit completed", st(conversation.PhaseBooked, nil, appt("a1", conversation.ApptBooked, "", 0)),
			conversation.State{Appointments: []conversation.Appointment{{ID: "a1", Status: conversation.ApptBooked, Attendance: clinic.AttendanceCompleted}}}, nil, nil, "completed"},
		{"no-show", st(conversation.PhaseBooked, nil, conversation.Appointment{ID: "a1", Status: conversation.ApptBooked, Attendance: clinic.AttendanceArrived}),
			conversation.State{Appointments: []conversation.Appointment{{ID: "a1", Status: conversation.ApptBooked, Attendance: clinic.AttendanceNoShow}}}, nil, nil, "no_show"},
		{"arrived is no stage", st(conversation.PhaseBooked, nil, appt("a1", conversation.ApptBooked, "", 0)),
			conversation.State{Appointments: []conversation.Appointment{{ID: "a1", Status: conversation.ApptBooked, Attendance: clinic.AttendanceArrived}}}, nil, nil, ""},
		{"opted out", st(conversation.PhaseQualifying, []conversation.Line{out, in, out}), conversation.State{Phase: conversation.PhaseOptedOut}, sms, reply, "opted_out"},
		{"handed off", st(conversation.PhaseQualifying, []conversation.Line{out, in, out}), conversation.State{Phase: conversation.PhaseHandedToStaff}, sms, reply, "handed_off"},
		{"staff answer", st(conversation.PhaseHandedToStaff, []conversation.Line{in, out}), conversation.State{Phase: conversation.PhaseHandedToStaff}, nil, staff, "staff_answered"},
		{"staff text that hands off is no answer to a hand-off", st(conversation.PhaseQualifying, []conversation.Line{in, out}), conversation.State{Phase: conversation.PhaseHandedToStaff}, nil, staff, "handed_off"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := funnelStages(tt.prev, tt.next, tt.in, tt.effects, origin, now)
			if s := stageList(got); s != tt.want {
				t.Errorf("stages = %q, want %q", s, tt.want)
			}
			for _, f := range got {
				want := now
				if f.Stage == persistence.StageCreated {
					want = origin
				}
				if !f.At.Equal(want) {
					t.Errorf("%s at %v, want %v", f.Stage, f.At, want)
				}
			}
		})
	}
}
