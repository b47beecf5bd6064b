package understand

import (
	"testing"
	"time"
)

// TestPickPhrasings: short answers to offered times as leads text them.
func TestPickPhrasings(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		text    string
		option  int
		intent  Intent
		patient string
	}{
		{"2nd 1", 2, IntentPick, ""},
		{"the 3rd 1 pls", 3, IntentPick, ""},
		{"1st 1 works", 1, IntentPick, ""},
		{"the first time", 1, IntentPick, ""},
		{"the first time works", 1, IntentPick, ""},
		{"the first time slot please", 1, IntentPick, ""},
		{"it's my first time", 0, IntentUnknown, PatientNew},
		{"the first time I came it hurt", 0, "", PatientNew},
		{"ok cool", 0, IntentYes, ""},
		{"cool", 0, IntentYes, ""},
		{"kk", 0, IntentYes, ""},
		{"bet", 0, IntentYes, ""},
		{"sounds gr8", 0, IntentYes, ""},
		{"alright then", 0, IntentYes, ""},
		{"ok thanks", 0, IntentThanks, ""},
		{"not good", 0, IntentUnknown, ""},
		{"cool but do you have later", 0, "", ""},
	}
	for _, tt := range tests {
		u := Answer(tt.text, c, now, Question{Slot: SlotPick, Offers: 3})
		if u.Option != tt.option || tt.intent != "" && u.Intent != tt.intent || u.Patient != tt.patient {
			t.Errorf("%q: option %d intent %s patient %q, want %d %s %q", tt.text, u.Option, u.Intent, u.Patient, tt.option, tt.intent, tt.patient)
		}
	}
}

// TestSoonestAnswer: a bare "first available" takes the soonest on
// offer; a question about it asks for times.
func TestSoonestAnswer(t *testing.T) {
	for text, want := range map[string]bool{
		"first available":                 true,
		"first available pls":             true,
		"Earliest available!":             true,
		"next available":                  true,
		"what's your first available?":    false,
		"when is the next available":      false,
		"do you have anything available?": false,
	} {
		if got := NewUtterance(text).Accepts(); got != want {
			t.Errorf("%q: accepts %v, want %v", text, got, want)
		}
	}
}
