package understand

import (
	"testing"
	"time"
)

// TestReadAnswer checks texts read as the answer to the question asked.
func TestReadAnswer(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)
	tests := []struct {
		text    string
		asked   Slot
		option  int
		service string
		name    string
	}{
		{"i'd like the 1st time", SlotPick, 1, "", ""},
		{"the 2nd one please", SlotPick, 2, "", ""},
		{"4", SlotServiceMenu, 0, "hydrafacial", ""},
		{"number 2", SlotServiceMenu, 0, "dysport", ""},
		{"lip filler", SlotServiceMenu, 0, "lip-filler", ""},
		{"its my sons appointment - Renée Lambert", SlotName, 0, "", "Renée Lambert"},
		{"hi! Emily Rose Carter here, wanting to book a hydrafacial", SlotNone, 0, "hydrafacial", "Emily Rose Carter"},
		{"maria here - do you have a consultation?", SlotNone, 0, "consultation", "Maria"},
		{"hello this is rachel - botox this wednesday?", SlotNone, 0, "botox", "Rachel"},
		{"hello, i'm brittany r.. i'd like to schedule botox", SlotNone, 0, "botox", "Brittany R."},
		{"hi this is mei chen, looking for a hydrafacial", SlotNone, 0, "hydrafacial", "Mei Chen"},
		{"this is so exciting, botox please", SlotNone, 0, "botox", ""},
		{"i'm free friday, botox please", SlotNone, 0, "botox", ""},
		{"1 please, my name is Zoë", SlotPick, 1, "", "Zoë"},
		{"Dana here. the 2nd one", SlotPick, 2, "", "Dana"},
		{"Hannah Price", SlotName, 0, "", "Hannah Price"},
		{"Jo Good", SlotName, 0, "", "Jo Good"},
		{"price", SlotName, 0, "", ""},
		{"hi it's Hannah again, botox please", SlotNone, 0, "botox", "Hannah"},
		{"its for me - Tasha Bell", SlotName, 0, "", "Tasha Bell"},
		{"this is for me, Omar", SlotName, 0, "", "Omar"},
		{"it's just me, priya", SlotName, 0, "", "Priya"},
		{"for me. Lou Reyes", SlotName, 0, "", "Lou Reyes"},
		// A name typed as one while times are on offer answers the next
		// question; a lower-case word does not.
		{"Kendra M", SlotPick, 0, "", "Kendra M."},
		{"Abe Lincoln", SlotPick, 0, "", "Abe Lincoln"},
		{"whatever", SlotPick, 0, "", ""},
		{"Hmm", SlotPick, 0, "", ""},
		{"Saturday", SlotPick, 0, "", ""},
		{"Rosa Diaz", SlotNone, 0, "", "Rosa Diaz"},
		// The later or earlier of the times on offer; a pick in the first
		// clause with a question after it.
		{"i'll do the later one", SlotPick, 3, "", ""},
		{"earlier one works better", SlotPick, 1, "", ""},
		{"any later times?", SlotPick, 0, "", ""},
		{"3 pls! also do i need to shave first?", SlotPick, 3, "", ""},
		{"ok. 2 works. is there parking", SlotPick, 0, "", ""},
		{"Sam. what time do you close?", SlotPick, 0, "", ""},
		{"Thanks", SlotNone, 0, "", ""},
		// The name alone in the last clause; a relation's name after a
		// longer lead-in; a thumbs-up after the name.
		{"oh ok sorry about that. Nadia Gomez", SlotName, 0, "", "Nadia Gomez"},
		{"ok sounds good. friday", SlotName, 0, "", ""},
		{"the booking is for my husband, Raj Patel", SlotName, 0, "", "Raj Patel"},
		{"Bo here 👍", SlotName, 0, "", "Bo"},
	}
	var menu []string
	for _, s := range c.Services[:min(len(c.Services), 9)] {
		menu = append(menu, s.ID)
	}
	for _, tt := range tests {
		u := Answer(tt.text, c, now, Question{Slot: tt.asked, Offers: 3, Menu: menu})
		if u.Option != tt.option || u.ServiceID != tt.service || u.Name != tt.name {
			t.Errorf("Answer(%q, %s) = option %d, service %q, name %q; want %d, %q, %q",
				tt.text, tt.asked, u.Option, u.ServiceID, u.Name, tt.option, tt.service, tt.name)
		}
	}
}

// TestCallMeAnswersTheNameQuestion: "call me Bea" to the name question is
// a name; "call me back" and "call me please" still ask for a person.
func TestCallMeAnswersTheNameQuestion(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)
	for text, want := range map[string]string{"call me Bea": "Bea", "you can call me Liz": "Liz", "call me back": "", "call me please": "", "can you call me": ""} {
		u := Answer(text, c, now, Question{Slot: SlotName})
		if u.Name != want {
			t.Errorf("%q: name %q, want %q", text, u.Name, want)
		}
		if want == "" && u.Intent != IntentHuman {
			t.Errorf("%q: intent %s, want human", text, u.Intent)
		}
	}
}
