package timeparse

import (
	"slices"
	"testing"
	"time"
)

// Parse itself reads days ruled out and misspelt time words, so every
// reader of a time text gets them: the built-in understanding and the
// time text a language model returns alike.
func TestParseRulesOutDaysAndReadsTypos(t *testing.T) {
	now := time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC) // Monday
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	p, ok := Parse("any day but Tuesday or Weds", now, loc)
	if !ok || slices.Contains(p.Weekdays, time.Tuesday) || slices.Contains(p.Weekdays, time.Wednesday) || len(p.Weekdays) != 5 {
		t.Errorf("any day but tuesday or weds: %v %v, want the five other days", p, ok)
	}
	p, ok = Parse("not today, aftr 3", now, loc)
	if want := "from=2026-12-08 windows=15:00-24:00"; !ok || p.String() != want {
		t.Errorf("not today, aftr 3: %v %v, want %s", p, ok, want)
	}
	p, ok = Parse("tuesday works", now, loc)
	if want := "from=2026-12-08 to=2026-12-08"; !ok || p.String() != want {
		t.Errorf("tuesday works: %v %v, want %s", p, ok, want)
	}
}
