package understand

import (
	"testing"
	"time"
)

// TestSideQuestions: how a treatment feels, insurance and payment, and
// why the name is asked, each asked in several ways, and texts that ask
// none of them.
func TestSideQuestions(t *testing.T) {
	tests := []struct {
		text                   string
		comfort, payment, name bool
	}{
		{"is microneedling painful?", true, false, false},
		{"does it hurt", true, false, false},
		{"how painful is lip filler", true, false, false},
		{"will the laser hurt??", true, false, false},
		{"im kinda scared of needles lol", true, false, false},
		{"do you take carecredit? or insurance", false, true, false},
		{"is botox covered by insurance", false, true, false},
		{"do u do payment plans", false, true, false},
		{"care credit ok?", false, true, false},
		{"why do u need my name", false, false, true},
		{"what do you need my name for", false, false, true},
		{"why do you want my full name?", false, false, true},
		{"botox friday at 3", false, false, false},
		{"my name is Jo", false, false, false},
		{"how much is a hydrafacial", false, false, false},
	}
	for _, tt := range tests {
		u := NewUtterance(tt.text)
		if u.AsksComfort() != tt.comfort || u.AsksPayment() != tt.payment || u.WhyName() != tt.name {
			t.Errorf("%q: comfort %v payment %v why-name %v, want %v %v %v", tt.text,
				u.AsksComfort(), u.AsksPayment(), u.WhyName(), tt.comfort, tt.payment, tt.name)
		}
	}
}

// TestLocationQuestions: where the clinic is and where to park, told
// apart from the hours.
func TestLocationQuestions(t *testing.T) {
	tests := []struct {
		text                     string
		location, parking, hours bool
	}{
		{"any parking around there?", true, true, false},
		{"where do i park", true, true, false},
		{"whats ur address", true, false, false},
		{"what are your hours and where are you located", true, false, true},
		{"botox friday 3pm", false, false, false},
	}
	for _, tt := range tests {
		u := NewUtterance(tt.text)
		if u.AsksLocation() != tt.location || u.AsksParking() != tt.parking || u.AsksHours() != tt.hours {
			t.Errorf("%q: location %v parking %v hours %v, want %v %v %v", tt.text,
				u.AsksLocation(), u.AsksParking(), u.AsksHours(), tt.location, tt.parking, tt.hours)
		}
	}
}

// TestThumbsUp: a thumbs-up or OK sign reads as "ok".
func TestThumbsUp(t *testing.T) {
	c := glow(t)
	for _, text := range []string{"👍", "👍🏽", "👌"} {
		if got := Text(text, c, time.Date(2026, 12, 8, 14, 0, 0, 0, time.UTC)).Intent; got != IntentYes {
			t.Errorf("%q: intent %s, want %s", text, got, IntentYes)
		}
	}
}

// TestClosest: taking whichever offered time is nearest, not a question
// about what is near the clinic.
func TestClosest(t *testing.T) {
	for text, want := range map[string]bool{
		"whatever is closest":                 true,
		"the nearest one pls":                 true,
		"closest to that works":               true,
		"whats the closest parking":           false,
		"where is the nearest train station?": false,
		"the first one":                       false,
	} {
		if got := NewUtterance(text).Closest(); got != want {
			t.Errorf("Closest(%q) = %v, want %v", text, got, want)
		}
	}
}
