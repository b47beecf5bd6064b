package leadsim

import (
	"strings"
	"testing"
)

// TestPeopleConversations plays the conversations written as people text.
// They are held out, so the test reports how many end as their writer
// wanted and fails only below a floor, and on the rules that hold for
// every conversation: no error, no hand-off of a lead who only booked.
func TestPeopleConversations(t *testing.T) {
	scripts, err := People()
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) < 20 {
		t.Fatalf("%d written conversations, want at least 20", len(scripts))
	}
	ok := 0
	var out strings.Builder
	for _, s := range scripts {
		r, err := PlayScripted(s)
		if err != nil {
			t.Fatal(err)
		}
		if r.OK {
			ok++
		}
		if s.Want == "held" && r.Final.Phase == "handed_to_staff" {
			t.Errorf("%s: a lead who only wanted a time was handed off", s.Title)
		}
		WriteScripted(&out, r)
	}
	t.Logf("%d of %d written conversations ended as wanted\n%s", ok, len(scripts), out.String())
	if float64(ok) < minPeopleRate*float64(len(scripts)) {
		t.Errorf("%d of %d written conversations ended as wanted, want at least %.0f%%", ok, len(scripts), 100*minPeopleRate)
	}
}

// minPeopleRate is the floor of TestPeopleConversations: what the engine
// reached when the set was written, less a margin.
const minPeopleRate = 0.90

// TestDevSetConversations plays the development set of written
// conversations (testdata/people_dev.txt). It is looked at while changing
// the engine, so its floor is high; the held-out people.txt stays the
// honest measure.
func TestDevSetConversations(t *testing.T) {
	scripts, err := DevPeople()
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) < 40 {
		t.Fatalf("%d development conversations, want at least 40", len(scripts))
	}
	ok, repeats := 0, 0
	var out strings.Builder
	for _, s := range scripts {
		r, err := PlayScripted(s)
		if err != nil {
			t.Fatal(err)
		}
		if r.OK {
			ok++
		}
		repeats += r.Repeats
		if s.Want == WantHeld && r.Final.Phase == "handed_to_staff" {
			t.Errorf("%s: a lead who only wanted a time was handed off", s.Title)
		}
		WriteScripted(&out, r)
	}
	t.Logf("%d of %d development conversations ended as wanted, %d replies repeated the one before\n%s",
		ok, len(scripts), repeats, out.String())
	if float64(ok) < minDevPeopleRate*float64(len(scripts)) {
		t.Errorf("%d of %d development conversations ended as wanted, want at least %.0f%%", ok, len(scripts), 100*minDevPeopleRate)
	}
}

// minDevPeopleRate is the floor of TestDevSetConversations.
const minDevPeopleRate = 0.90
