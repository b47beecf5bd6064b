package understand

import (
	"testing"
	"time"
)

// TestOpenSlotIsNoHoursQuestion: "open" about a time for a treatment asks
// for that time; about the clinic it asks for the hours.
func TestOpenSlotIsNoHoursQuestion(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 12, 8, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		text string
		want Intent
	}{
		{"need a botox touch up thursday afternoon, is 2:30 open?", IntentBook},
		{"hydrafacial monday at 1 still open?", IntentBook},
		{"are you open saturday?", IntentHours},
		{"what are your hours on saturday for botox", IntentHours},
		{"botox friday, what time do you close?", IntentHours},
		{"ok whats open monday", IntentBook},
		{"anything open tmrw afternoon?", IntentBook},
		{"what do you have open on the 14th", IntentBook},
		{"what time are you open monday", IntentHours},
	}
	for _, tt := range tests {
		if got := Text(tt.text, c, now).Intent; got != tt.want {
			t.Errorf("%q: intent %s, want %s", tt.text, got, tt.want)
		}
	}
}

// TestIsSpanish: texts in Spanish are told apart from English ones that
// borrow a word or two.
func TestIsSpanish(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Hola, quisiera una cita para botox el viernes por la tarde", true},
		{"hola! cuánto cuesta el microneedling?", true},
		{"¿tienen citas el sábado?", true},
		{"no me neither", false},
		{"gracias!", false},
		{"hola, botox on friday?", false},
		{"I live in los angeles, any facial on saturday", false},
		{"Lucía", false},
		{"hablan español?", true},
		{"do you have anyone who speaks spanish", true},
		{"sorry no hablo ingles, me pueden llamar", true},
		{"can we do this in Spanish please", true},
		{"I want the spanish style brows", false},
	}
	for _, tt := range tests {
		if got := NewUtterance(tt.text).Spanish(); got != tt.want {
			t.Errorf("Spanish(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestHaggles: bargaining over a price or asking for a deal, told apart
// from a price question and from a pain question; FindsPriceHigh marks the
// lead who finds the price too high.
func TestHaggles(t *testing.T) {
	tests := []struct {
		text         string
		haggle, high bool
	}{
		{"could u do it a little less", true, true},
		{"ugh thats pricey, any promos running?", true, true},
		{"any first visit discount", true, false},
		{"do you have coupons", true, false},
		{"whats the best price you can give me on 2 syringes", true, false},
		{"i cant afford that rn", true, true},
		{"would you do $250 for it", true, false},
		{"is there a special on hydrafacials this month?", true, false},
		{"how much is botox", false, false},
		{"does it hurt too much", false, false},
		{"is it a big deal if i miss a day", false, false},
		{"can you do friday at 3", false, false},
	}
	for _, tt := range tests {
		u := NewUtterance(tt.text)
		if u.Haggles() != tt.haggle || u.Haggles() && u.FindsPriceHigh() != tt.high {
			t.Errorf("%q: haggles %v, high %v; want %v, %v", tt.text, u.Haggles(), u.FindsPriceHigh(), tt.haggle, tt.high)
		}
	}
}

// TestGroupBooking: a booking for the lead and a relation goes to staff;
// "for me" alone does not.
func TestGroupBooking(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"I want to book botox for me and a facial for my mom", true},
		{"can me and my sister both get botox saturday?", true},
		{"it's for my mom, friday works for me", false},
		{"that works for me and thanks", false},
		{"botox for me please", false},
	}
	for _, tt := range tests {
		if got := isGroup(NewUtterance(tt.text)); got != tt.want {
			t.Errorf("isGroup(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestNotNow: a no that puts booking off is told from one that declines
// the times offered.
func TestNotNow(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"ok thanks, I'll think about it", true},
		{"maybe later", true},
		{"just looking for now", true},
		{"no those don't work", false},
		{"no, thursday instead", false},
	}
	for _, tt := range tests {
		if got := NewUtterance(tt.text).NotNow(); got != tt.want {
			t.Errorf("NotNow(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestHourTaken: a number with a yes is a time, a number alone or named
// as an option is an option.
func TestHourTaken(t *testing.T) {
	for text, want := range map[string]bool{
		"9 works": true, "10 is fine": true, "5 please": true, "11 would be perfect": true,
		"5": false, "option 5": false, "the 5th one": false, "number 4 works": false,
		"9 works but only if it is not too late for me honestly": false,
	} {
		if got := NewUtterance(text).HourTaken(); got != want {
			t.Errorf("HourTaken(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestClockExplicit: a time written as a time, not a bare number.
func TestClockExplicit(t *testing.T) {
	for text, want := range map[string]bool{
		"3pm works": true, "the 3:30 one": true, "noon": true, "10 am please": true, "4 o'clock": true,
		"2 is perfect": false, "ok 1 - how much": false, "at 11": false, "the pm one": false,
	} {
		if got := NewUtterance(text).ClockExplicit(); got != want {
			t.Errorf("ClockExplicit(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestAccepts: a word that takes what is offered.
func TestAccepts(t *testing.T) {
	for text, want := range map[string]bool{"first available is fine": true, "earliest works": true, "anything sooner available?": false} {
		if got := NewUtterance(text).Accepts(); got != want {
			t.Errorf("Accepts(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestRunningLate: coming late, not a later time.
func TestRunningLate(t *testing.T) {
	for text, want := range map[string]bool{"what if im running a few min late?": true, "I'll be 10 minutes late": true, "anything later?": false, "can we do later in the day": false} {
		if got := NewUtterance(text).RunningLate(); got != want {
			t.Errorf("RunningLate(%q) = %v, want %v", text, got, want)
		}
	}
}
