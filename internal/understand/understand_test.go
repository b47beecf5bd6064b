package understand

import (
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/directory"
)

func glow(t testing.TB) *clinic.Clinic {
	t.Helper()
	c, ok := directory.New(clinic.Demo()).ByID("glow-chicago")
	if !ok {
		t.Fatal("demo clinic glow-chicago missing")
	}
	return c
}

func TestUnderstandIntent(t *testing.T) {
	c := glow(t)
	tests := []struct {
		text string
		want Intent
	}{
		{"How much is Botox?", IntentPrice},
		{"botx price", IntentPrice},
		{"what does lip filler cost", IntentPrice},
		{"how much", IntentPrice},
		{"is it $12 a unit?", IntentPrice},
		{"Hi, how much is a hydrafacial?", IntentPrice},
		{"what are your hours?", IntentHours},
		{"are you open on Sunday?", IntentHours},
		{"when do you close today", IntentHours},
		{"what time do you close", IntentHours},
		{"opening hours please", IntentHours},
		{"I'd like to book botox", IntentBook},
		{"can I get an appointment", IntentBook},
		{"do you have any availability tomorrow", IntentBook},
		{"Do you have anything Saturday?", IntentBook},
		{"any openings this week?", IntentBook},
		{"what services do you have", IntentServices},
		{"what do you offer", IntentServices},
		{"can I talk to a real person", IntentHuman},
		{"please have someone call me", IntentHuman},
		{"I want to speak with the front desk", IntentHuman},
		{"yes", IntentYes},
		{"Yes please!", IntentYes},
		{"sure", IntentYes},
		{"ok", IntentYes},
		{"sounds good", IntentYes},
		{"no", IntentNo},
		{"No thanks", IntentNo},
		{"nope", IntentNo},
		{"not now", IntentNo},
		{"thanks!", IntentThanks},
		{"thank you so much", IntentThanks},
		{"ok thanks", IntentThanks},
		{"Hi", IntentGreeting},
		{"hello there", IntentGreeting},
		{"Good morning!", IntentGreeting},
		{"Hi, I'm Jane", IntentGreeting},
		{"???", IntentUnknown},
		{"", IntentUnknown},
		{"asdf qwerty", IntentUnknown},
		{"botox", IntentUnknown},
		{"I'm Jane", IntentUnknown},
		{"nothing", IntentUnknown},
		{"know what I mean", IntentUnknown},
		{"are you close to the train", IntentUnknown},
	}
	for _, tt := range tests {
		if got := Text(tt.text, c, time.Time{}).Intent; got != tt.want {
			t.Errorf("Text(%q).Intent = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestUnderstandName(t *testing.T) {
	c := glow(t)
	tests := []struct {
		text string
		want string
	}{
		{"I'm Jane", "Jane"},
		{"im jane", "Jane"},
		{"I’m Jane", "Jane"},
		{"I am Jane Doe", "Jane Doe"},
		{"my name is Jane Doe", "Jane Doe"},
		{"my name is jane doe", "Jane Doe"},
		{"My name's Jane", "Jane"},
		{"MY NAME IS JANE", "Jane"},
		{"this is Jane", "Jane"},
		{"Hi, this is Jane from Wicker Park", "Jane"},
		{"Hello, this is Sam. Are you open?", "Sam"},
		{"Jane here", "Jane"},
		{"hi jane here!", "Jane"},
		{"Jane Doe here.", "Jane Doe"},
		{"I'm Jane and I want botox", "Jane"},
		{"I'm Mary-Jane O'Neil", "Mary-Jane O'Neil"},
		{"my name is mary-jane", "Mary-Jane"},
		{"I'm Jane, how much is botox?", "Jane"},
		{"Yes I'm Sarah McKay", "Sarah McKay"},
		{"I'm interested in botox", ""},
		{"I'm looking for lip filler", ""},
		{"im not sure", ""},
		{"I'm free tomorrow", ""},
		{"I am so excited", ""},
		{"I'm good thanks", ""},
		{"im wondering about prices", ""},
		{"I'm a new patient", ""},
		{"this is great", ""},
		{"this is so expensive", ""},
		{"Botox here?", ""},
		{"anyone here", ""},
		{"is the doctor here", ""},
		{"I'm Botox curious", ""},
		{"how much is botox", ""},
		{"I'm 35", ""},
		{"my name is", ""},
		{"I'm", ""},
	}
	for _, tt := range tests {
		if got := Text(tt.text, c, time.Time{}).Name; got != tt.want {
			t.Errorf("Text(%q).Name = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestUnderstandService(t *testing.T) {
	c := glow(t)
	tests := []struct{ text, want string }{
		{"How much is Botox?", "botox"},
		{"botx price", "botox"},
		{"hydrafacail?", "hydrafacial"},
		{"lips", "lip-filler"},
		{"hello", ""},
	}
	for _, tt := range tests {
		if got := Text(tt.text, c, time.Time{}).ServiceID; got != tt.want {
			t.Errorf("Text(%q).ServiceID = %q, want %q", tt.text, got, tt.want)
		}
	}
	if got := Text("botox", nil, time.Time{}); got.ServiceID != "" || got.Intent != IntentUnknown {
		t.Errorf("Text without a clinic = %+v", got)
	}
}
