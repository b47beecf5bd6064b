package leadsim

import (
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/timeparse"
)

// scorePersona wants Tuesday 24 Nov 2026 in the afternoon at Glow Chicago.
func scorePersona(t *testing.T) (*Persona, *time.Location) {
	t.Helper()
	c, ok := directory.New(clinic.Demo()).ByID("glow-chicago")
	if !ok {
		t.Fatal("no glow-chicago")
	}
	tue := timeparse.Date{Year: 2026, Month: time.November, Day: 24}
	loc := c.Location()
	p := &Persona{Clinic: c, Cooperative: true, Opening: ActServiceWhen,
		Goal: Goal{Kind: WhenDayWindow, Days: []timeparse.Date{tue}, From: 12 * 60, To: 17 * 60,
			Until: time.Date(2026, 12, 5, 0, 0, 0, 0, loc)},
		Start: time.Date(2026, 11, 20, 12, 0, 0, 0, loc)}
	return p, loc
}

func at(loc *time.Location, day, h, m int) time.Time {
	return time.Date(2026, time.November, day, h, m, 0, 0, loc)
}

func TestScoreHeldInWindow(t *testing.T) {
	p, loc := scorePersona(t)
	s := conversation.State{Phase: conversation.PhaseDeposit, Hold: &conversation.Hold{Start: at(loc, 24, 14, 0).UTC()}}
	c := &Conversation{Persona: p, Final: s, Exchanges: []Exchange{
		{Acts: []Act{ActServiceWhen}, Ask: AskPick, Phase: conversation.PhaseOffering},
		{Acts: []Act{ActPickNumber}, Ask: AskName, Held: true, HoldStart: s.Hold.Start},
		{Acts: []Act{ActName}, Ask: AskNone, Held: true, HoldStart: s.Hold.Start},
	}}
	r := Score(c)
	if !r.Success || r.TurnsToHold != 2 || !r.NamesServiceAndDay || r.Category != "" || r.Reasked {
		t.Errorf("score = %+v, want success in 2 turns", r)
	}
}

func TestScoreWrongName(t *testing.T) {
	p, _ := scorePersona(t)
	p.Name = "Jen O'Brien"
	for name, wrong := range map[string]bool{"Jen O'Brien": false, "jen obrien": false, "Jen": false, "Flexible": true, "": false} {
		if r := Score(&Conversation{Persona: p, Final: conversation.State{Name: name}}); r.WrongName != wrong {
			t.Errorf("name %q: WrongName = %v, want %v", name, r.WrongName, wrong)
		}
	}
}

func TestScoreBookedAppointmentCounts(t *testing.T) {
	p, loc := scorePersona(t)
	s := conversation.State{Phase: conversation.PhaseBooked, Appointments: []conversation.Appointment{
		{ID: "a", Start: at(loc, 24, 15, 30).UTC(), Status: conversation.ApptBooked}}}
	if r := Score(&Conversation{Persona: p, Final: s}); !r.Success {
		t.Errorf("a booked appointment in the window scored %+v", r)
	}
	s.Appointments[0].Status = conversation.ApptCancelled
	if r := Score(&Conversation{Persona: p, Final: s}); r.Success || r.Held {
		t.Errorf("a cancelled appointment scored %+v", r)
	}
}

func TestScoreWrongSlot(t *testing.T) {
	p, loc := scorePersona(t)
	for _, start := range []time.Time{at(loc, 24, 10, 0), at(loc, 25, 14, 0), at(loc, 24, 17, 0)} {
		s := conversation.State{Phase: conversation.PhaseDeposit, Hold: &conversation.Hold{Start: start.UTC()}}
		r := Score(&Conversation{Persona: p, Final: s, Exchanges: []Exchange{{Acts: []Act{ActPickNumber}, Held: true, HoldStart: start}}})
		if r.Success || r.Category != CatWrongSlot {
			t.Errorf("hold at %s scored %+v, want wrong_slot_held", start, r)
		}
	}
}

func TestScoreNameNotUnderstoodHandoff(t *testing.T) {
	p, _ := scorePersona(t)
	s := conversation.State{Phase: conversation.PhaseHandedToStaff}
	c := &Conversation{Persona: p, Final: s, Exchanges: []Exchange{
		{Acts: []Act{ActService}, Ask: AskName, Engine: []string{"Botox is $14 per unit. May I have your name?"}},
		{Acts: []Act{ActName}, Ask: AskName, Engine: []string{"I can help with prices. May I have your name?"}},
		{Acts: []Act{ActName}, Ask: AskName, Engine: []string{"I can help. May I have your name?"}},
		{Acts: []Act{ActName}, Phase: conversation.PhaseHandedToStaff, Engine: []string{"Sorry, I'm not following."}},
	}}
	r := Score(c)
	if r.Success || !r.HandedOff || !r.Cooperative || r.Category != CatName || !r.Repeated || !r.Reasked {
		t.Errorf("score = %+v, want a cooperative hand-off for name_not_understood with a repeated question", r)
	}
}

func TestScoreUncooperativeHandoffIsExpected(t *testing.T) {
	p, _ := scorePersona(t)
	p.Cooperative = false
	r := Score(&Conversation{Persona: p, Final: conversation.State{Phase: conversation.PhaseHandedToStaff},
		Exchanges: []Exchange{{Acts: []Act{ActHandoffAsk}, Phase: conversation.PhaseHandedToStaff}}})
	if !r.Success || r.Cooperative || !r.HandedOff {
		t.Errorf("score = %+v, want success: the lead asked for a person", r)
	}
}

func TestScoreHandoffMissed(t *testing.T) {
	p, loc := scorePersona(t)
	p.Cooperative = false
	start := at(loc, 24, 14, 0)
	s := conversation.State{Phase: conversation.PhaseDeposit, Hold: &conversation.Hold{Start: start.UTC()}}
	r := Score(&Conversation{Persona: p, Final: s, Exchanges: []Exchange{
		{Acts: []Act{ActHandoffAsk}, Ask: AskPick, Phase: conversation.PhaseOffering},
		{Acts: []Act{ActPickNumber}, Held: true, HoldStart: start, Phase: conversation.PhaseDeposit}}})
	if r.Success || r.Category != CatHandoffMissed {
		t.Errorf("score = %+v, want handoff_missed: the lead asked about blood thinners", r)
	}
}

func TestScoreNoOfferInWindow(t *testing.T) {
	p, loc := scorePersona(t)
	offers := []clinic.Slot{{Start: at(loc, 25, 10, 0)}, {Start: at(loc, 26, 10, 0)}}
	var exs []Exchange
	for range MaxTurns {
		exs = append(exs, Exchange{Acts: []Act{ActReject}, Ask: AskPick, Offers: offers, Phase: conversation.PhaseOffering})
	}
	r := Score(&Conversation{Persona: p, Final: conversation.State{Phase: conversation.PhaseOffering}, Exchanges: exs})
	if r.Success || r.Category != CatNoOffer {
		t.Errorf("score = %+v, want no_offer_in_window", r)
	}
}

func TestGoalContains(t *testing.T) {
	p, loc := scorePersona(t)
	g := p.Goal
	g.Alt = timeparse.Date{Year: 2026, Month: time.December, Day: 1}
	if g.Contains(at(loc, 24, 11, 30), loc) || !g.Contains(at(loc, 24, 12, 0), loc) || g.Contains(at(loc, 24, 17, 0), loc) {
		t.Error("window edges wrong")
	}
	next := time.Date(2026, 12, 1, 13, 0, 0, 0, loc)
	if g.Contains(next, loc) {
		t.Error("the Tuesday after counted before the lead said next")
	}
	g.NextSaid = true
	if !g.Contains(next, loc) {
		t.Error("'next tuesday' does not accept the Tuesday after")
	}
}

func TestClassify(t *testing.T) {
	offering := conversation.State{Phase: conversation.PhaseOffering, Offers: []clinic.Slot{{}}}
	for _, tc := range []struct {
		text string
		s    conversation.State
		want Ask
	}{
		{"Hi! What treatment are you interested in? We offer Botox and more.", conversation.State{}, AskService},
		{"Great! What days and times work best for you?", conversation.State{}, AskTime},
		{"Done! Held until 3pm. May I have your name for the booking?", conversation.State{}, AskName},
		{"Nice to meet you! Have you visited Glow Chicago before?", conversation.State{}, AskPatient},
		{"Here's what we have: 1) Sat Nov 21 3pm. Reply YES to take it.", offering, AskPick},
		{"Thanks! We're open Mon-Fri.", conversation.State{}, AskNone},
	} {
		if got := classify([]string{tc.text}, tc.s); got != tc.want {
			t.Errorf("classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
