package understand

import (
	"slices"
	"testing"
	"time"

	"github.com/medspa/engine/internal/timeparse"
)

// TestRuledOutDays: days a lead rules out leave the other days of the
// week, alone or with what else the text asks for.
func TestRuledOutDays(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC) // Monday Dec 7, 10am in Chicago
	all := []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	but := func(out ...time.Weekday) []time.Weekday {
		return slices.DeleteFunc(slices.Clone(all), func(d time.Weekday) bool { return slices.Contains(out, d) })
	}
	tests := []struct {
		text string
		days []time.Weekday
		from string // the first date, when the text names one
		win  bool   // a time of day is kept
	}{
		{"not tuesday", but(time.Tuesday), "", false},
		{"any day but tuesday", but(time.Tuesday), "", false},
		{"anytime except fri", but(time.Friday), "", false},
		{"not on a monday pls", but(time.Monday), "", false},
		{"no mondays", but(time.Monday), "", false},
		{"I can't do thursdays", but(time.Thursday), "", false},
		{"not mon or tues", but(time.Monday, time.Tuesday), "", false},
		{"wednesday doesn't work for me", but(time.Wednesday), "", false},
		{"friday's out", but(time.Friday), "", false},
		{"next week, mornings are better but not tuesday", but(time.Tuesday), "2026-12-14", true},
		{"botox next week but not wed, afternoons", but(time.Wednesday), "2026-12-14", true},
		{"tuesday is bad, thursday after 3?", nil, "2026-12-10", true},
		{"not today, maybe later this week", nil, "2026-12-08", false},
	}
	for _, tt := range tests {
		u := Text(tt.text, c, now)
		if u.When == nil {
			t.Errorf("%q: no day read", tt.text)
			continue
		}
		w := *u.When
		if tt.days != nil && !slices.Equal(w.Weekdays, tt.days) {
			t.Errorf("%q: days %v, want %v (%s)", tt.text, w.Weekdays, tt.days, w)
		}
		if tt.from != "" && w.From.String() != tt.from {
			t.Errorf("%q: from %s, want %s (%s)", tt.text, w.From, tt.from, w)
		}
		if tt.win != (len(w.Windows) > 0) {
			t.Errorf("%q: time of day %v, want one: %v (%s)", tt.text, w.Windows, tt.win, w)
		}
		if d := timeparse.DateOf(now.In(c.Location())); w.From == d && w.To == d {
			t.Errorf("%q: read as today (%s)", tt.text, w)
		}
	}
}

// TestDaysNotRuledOut: a "no" or "not" that rules out no day leaves the
// days named as they are.
func TestDaysNotRuledOut(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)
	tests := []struct{ text, want string }{
		{"no, friday", "from=2026-12-11 to=2026-12-11"},
		{"tuesday works, not sure what time", "from=2026-12-08 to=2026-12-08"},
		{"can't wait! saturday morning?", "from=2026-12-12 to=2026-12-12 windows=00:00-12:00"},
		{"i'm not free till thursday", "from=2026-12-10 to=2026-12-10"},
	}
	for _, tt := range tests {
		u := Text(tt.text, c, now)
		if u.When == nil || u.When.String() != tt.want {
			t.Errorf("%q: when %v, want %s", tt.text, u.When, tt.want)
		}
	}
}

// TestTimeWordTypos: time words misspelt or shortened read as spelt.
func TestTimeWordTypos(t *testing.T) {
	c := glow(t)
	now := time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)
	tests := []struct{ text, want string }{
		{"wed or thur aftr 3 pls", "from=2026-12-09 to=2026-12-10 windows=15:00-24:00"},
		{"anything afer 5", "windows=17:00-24:00"},
		{"b4 noon", "windows=00:00-12:00"},
		{"befor 2 on friday", "from=2026-12-11 to=2026-12-11 windows=00:00-14:00"},
		{"tonite?", "from=2026-12-07 to=2026-12-07 windows=17:00-24:00"},
		{"saturday mornin", "from=2026-12-12 to=2026-12-12 windows=00:00-12:00"},
	}
	for _, tt := range tests {
		u := Text(tt.text, c, now)
		if u.When == nil || u.When.String() != tt.want {
			t.Errorf("%q: when %v, want %s", tt.text, u.When, tt.want)
		}
	}
}
