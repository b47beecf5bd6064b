package compliance

import (
	"testing"
	"time"

	"github.com/medspa/engine/messages"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func at(t testing.TB, zone string, y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, mustLoc(t, zone))
}

const (
	ny  = "America/New_York"
	chi = "America/Chicago"
	la  = "America/Los_Angeles"
)

func TestCheck(t *testing.T) {
	nyc := Recipient{Phone: "+12125550123"}
	mia := Recipient{Phone: "+13055550123"}
	pensacola := Recipient{Phone: "+18505550123"}
	dallas := Recipient{Phone: "+12145550123"}
	baton := Recipient{Phone: "+12255550123"}
	// Wednesday 2026-01-14 unless said.
	tests := []struct {
		name    string
		purpose messages.Purpose
		r       Recipient
		clinic  string
		now     time.Time
		sent    []time.Time
		allowed bool
		notBef  time.Time
	}{
		{"reply at 3 am", messages.PurposeReply, nyc, ny, at(t, ny, 2026, 1, 14, 3, 0), nil, true, at(t, ny, 2026, 1, 14, 3, 0)},
		{"initiated mid-morning", messages.PurposeInitiated, nyc, la, at(t, ny, 2026, 1, 14, 10, 0), nil, true, at(t, ny, 2026, 1, 14, 10, 0)},
		{"before 8 am", messages.PurposeInitiated, nyc, ny, at(t, ny, 2026, 1, 14, 7, 59), nil, false, at(t, ny, 2026, 1, 14, 8, 0)},
		{"at 9 pm", messages.PurposeInitiated, nyc, ny, at(t, ny, 2026, 1, 14, 21, 0), nil, false, at(t, ny, 2026, 1, 15, 8, 0)},
		{"8:59 pm", messages.PurposeInitiated, nyc, ny, at(t, ny, 2026, 1, 14, 20, 59), nil, true, at(t, ny, 2026, 1, 14, 20, 59)},
		{"area code over clinic zone", messages.PurposeInitiated, Recipient{Phone: "+13105550123"}, ny, at(t, ny, 2026, 1, 14, 10, 0), nil, false, at(t, la, 2026, 1, 14, 8, 0)},
		{"Florida closes at 8 pm", messages.PurposeInitiated, mia, ny, at(t, ny, 2026, 1, 14, 20, 30), nil, false, at(t, ny, 2026, 1, 15, 8, 0)},
		{"Florida cap: oldest leaves the 24h", messages.PurposeInitiated, mia, ny, at(t, ny, 2026, 1, 15, 9, 0),
			[]time.Time{at(t, ny, 2026, 1, 14, 12, 0), at(t, ny, 2026, 1, 14, 13, 0), at(t, ny, 2026, 1, 14, 14, 0)},
			false, at(t, ny, 2026, 1, 15, 12, 0)},
		{"Florida cap: two in 24h is fine", messages.PurposeInitiated, mia, ny, at(t, ny, 2026, 1, 15, 9, 0),
			[]time.Time{at(t, ny, 2026, 1, 14, 8, 0), at(t, ny, 2026, 1, 14, 13, 0), at(t, ny, 2026, 1, 14, 14, 0)},
			true, at(t, ny, 2026, 1, 15, 9, 0)},
		{"Florida cap then quiet hours", messages.PurposeInitiated, mia, ny, at(t, ny, 2026, 1, 14, 19, 55),
			[]time.Time{at(t, ny, 2026, 1, 13, 19, 58), at(t, ny, 2026, 1, 14, 19, 0), at(t, ny, 2026, 1, 14, 19, 30), at(t, ny, 2026, 1, 14, 19, 50)},
			false, at(t, ny, 2026, 1, 15, 19, 0)}, // then only 19:30 and 19:50 remain
		{"Florida cap ends after close", messages.PurposeInitiated, mia, ny, at(t, ny, 2026, 1, 14, 19, 58),
			[]time.Time{at(t, ny, 2026, 1, 13, 20, 30), at(t, ny, 2026, 1, 14, 19, 0), at(t, ny, 2026, 1, 14, 19, 10)},
			false, at(t, ny, 2026, 1, 15, 8, 0)},
		{"no cap in New York", messages.PurposeInitiated, nyc, ny, at(t, ny, 2026, 1, 14, 12, 0),
			[]time.Time{at(t, ny, 2026, 1, 14, 9, 0), at(t, ny, 2026, 1, 14, 10, 0), at(t, ny, 2026, 1, 14, 11, 0), at(t, ny, 2026, 1, 14, 11, 30)},
			true, at(t, ny, 2026, 1, 14, 12, 0)},
		{"split zone 850 morning: Central opens last", messages.PurposeInitiated, pensacola, ny, at(t, ny, 2026, 1, 14, 8, 30), nil, false, at(t, chi, 2026, 1, 14, 8, 0)},
		{"split zone 850 evening: Eastern closes first", messages.PurposeInitiated, pensacola, ny, at(t, chi, 2026, 1, 14, 19, 15), nil, false, at(t, chi, 2026, 1, 15, 8, 0)},
		{"split zone 850 open in both", messages.PurposeInitiated, pensacola, ny, at(t, chi, 2026, 1, 14, 12, 0), nil, true, at(t, chi, 2026, 1, 14, 12, 0)},
		{"Texas weekday opens at 9", messages.PurposeInitiated, dallas, chi, at(t, chi, 2026, 1, 14, 8, 30), nil, false, at(t, chi, 2026, 1, 14, 9, 0)},
		{"Texas Sunday opens at noon", messages.PurposeInitiated, dallas, chi, at(t, chi, 2026, 1, 18, 10, 0), nil, false, at(t, chi, 2026, 1, 18, 12, 0)},
		{"Texas Saturday night to Sunday noon", messages.PurposeInitiated, dallas, chi, at(t, chi, 2026, 1, 17, 21, 30), nil, false, at(t, chi, 2026, 1, 18, 12, 0)},
		{"Louisiana Sunday closed", messages.PurposeInitiated, baton, chi, at(t, chi, 2026, 1, 18, 10, 0), nil, false, at(t, chi, 2026, 1, 19, 8, 0)},
		{"Louisiana Saturday 8 pm to Monday", messages.PurposeInitiated, baton, chi, at(t, chi, 2026, 1, 17, 20, 0), nil, false, at(t, chi, 2026, 1, 19, 8, 0)},
		{"record zone wins", messages.PurposeInitiated, Recipient{Phone: "+12125550123", TZ: la}, ny, at(t, ny, 2026, 1, 14, 10, 0), nil, false, at(t, la, 2026, 1, 14, 8, 0)},
		{"record state adds its rules", messages.PurposeInitiated, Recipient{Phone: "+12125550123", State: "FL"}, ny, at(t, ny, 2026, 1, 14, 20, 15), nil, false, at(t, chi, 2026, 1, 15, 8, 0)},
		{"foreign number: clinic zone", messages.PurposeInitiated, Recipient{Phone: "+447700900123"}, chi, at(t, chi, 2026, 1, 14, 7, 30), nil, false, at(t, chi, 2026, 1, 14, 8, 0)},
		{"nothing known: open everywhere", messages.PurposeInitiated, Recipient{Phone: "bogus"}, "Not/AZone", at(t, ny, 2026, 1, 14, 10, 30), nil, false, at(t, la, 2026, 1, 14, 8, 0)},
		// DST: spring forward 2026-03-08 (a Sunday), fall back 2026-11-01 (a Sunday).
		{"spring forward night", messages.PurposeInitiated, nyc, ny, time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC), nil, false, time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC)},
		{"spring forward eve", messages.PurposeInitiated, nyc, ny, at(t, ny, 2026, 3, 7, 22, 0), nil, false, time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC)},
		{"spring forward Texas Sunday", messages.PurposeInitiated, dallas, chi, at(t, chi, 2026, 3, 8, 1, 0), nil, false, time.Date(2026, 3, 8, 17, 0, 0, 0, time.UTC)},
		{"fall back night", messages.PurposeInitiated, nyc, ny, time.Date(2026, 11, 1, 4, 30, 0, 0, time.UTC), nil, false, time.Date(2026, 11, 1, 13, 0, 0, 0, time.UTC)},
		{"fall back eve", messages.PurposeInitiated, nyc, ny, at(t, ny, 2026, 10, 31, 21, 30), nil, false, time.Date(2026, 11, 1, 13, 0, 0, 0, time.UTC)},
		{"fall back Florida cap over the change", messages.PurposeInitiated, mia, ny, at(t, ny, 2026, 11, 1, 8, 30),
			[]time.Time{at(t, ny, 2026, 10, 31, 10, 0), at(t, ny, 2026, 10, 31, 11, 0), at(t, ny, 2026, 10, 31, 12, 0)},
			false, time.Date(2026, 11, 1, 14, 0, 0, 0, time.UTC)}, // 10:00 EDT + 24h = 09:00 EST
		{"Alaska spans Adak", messages.PurposeInitiated, Recipient{Phone: "+19075550123"}, ny, time.Date(2026, 1, 14, 17, 30, 0, 0, time.UTC), nil, false, time.Date(2026, 1, 14, 18, 0, 0, 0, time.UTC)},
		{"Hawaii", messages.PurposeInitiated, Recipient{Phone: "+18085550123"}, ny, at(t, "Pacific/Honolulu", 2026, 7, 1, 7, 0), nil, false, at(t, "Pacific/Honolulu", 2026, 7, 1, 8, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Check(tt.purpose, tt.r, tt.clinic, tt.now, tt.sent)
			if d.Allowed != tt.allowed || !d.NotBefore.Equal(tt.notBef) {
				t.Fatalf("Check = %+v, want allowed=%v notBefore=%v", d, tt.allowed, tt.notBef.UTC())
			}
			if d.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestLocate(t *testing.T) {
	tests := []struct {
		r       Recipient
		clinic  string
		state   string
		zone    string
		certain bool
	}{
		{Recipient{Phone: "+12125550123"}, la, "NY", ny, false},
		{Recipient{Phone: "(305) 555-0123"}, la, "FL", ny, false},
		{Recipient{Phone: "+18505550123"}, ny, "FL", chi, false},
		{Recipient{Phone: "+12085550123"}, ny, "ID", la, false},
		{Recipient{Phone: "+12125550123", State: "ca", TZ: la}, ny, "CA", la, true},
		{Recipient{Phone: "+12125550123", TZ: "Not/AZone"}, la, "NY", ny, false},
		{Recipient{Phone: "+447700900123"}, chi, "", chi, false},
		{Recipient{Phone: "+17875550123"}, ny, "PR", "America/Puerto_Rico", false},
	}
	for _, tt := range tests {
		state, loc, certain := Locate(tt.r, tt.clinic)
		if state != tt.state || loc.String() != tt.zone || certain != tt.certain {
			t.Errorf("Locate(%+v) = %s, %s, %v; want %s, %s, %v", tt.r, state, loc, certain, tt.state, tt.zone, tt.certain)
		}
	}
}

func TestWindow(t *testing.T) {
	tests := []struct {
		state             string
		open, close, dcap int
	}{
		{"", 8, 21, 0}, {"NY", 8, 21, 0}, {"FL", 8, 20, 3}, {"fl", 8, 20, 3}, {"OK", 8, 20, 3},
		{"MD", 8, 20, 3}, {"WA", 8, 20, 0}, {"TX", 9, 21, 0}, {"LA", 8, 20, 0}, {"MS", 8, 20, 0},
		{"CT", 9, 20, 0},
	}
	for _, tt := range tests {
		o, c, k := Window(tt.state)
		if o != tt.open || c != tt.close || k != tt.dcap {
			t.Errorf("Window(%q) = %d, %d, %d; want %d, %d, %d", tt.state, o, c, k, tt.open, tt.close, tt.dcap)
		}
	}
	for st, r := range stateRules {
		for d := time.Sunday; d <= time.Saturday; d++ {
			h := r.on(d)
			if h.Open < h.Close && (h.Open < 8 || h.Close > 21) {
				t.Errorf("%s %v: %d-%d is looser than the federal window", st, d, h.Open, h.Close)
			}
		}
	}
}
