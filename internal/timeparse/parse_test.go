package timeparse

import (
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"
)

func chicago(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParse(t *testing.T) {
	loc := chicago(t)
	// Friday 20 Nov 2026, 12:10 in Chicago.
	fri := time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)
	// Saturday 7 Mar 2026, 20:00 in Chicago: DST starts the next morning.
	beforeDST := time.Date(2026, 3, 8, 2, 0, 0, 0, time.UTC)
	// Saturday 31 Oct 2026, 22:30 in Chicago: DST ends the next morning.
	beforeFallBack := time.Date(2026, 11, 1, 3, 30, 0, 0, time.UTC)
	// Sunday 22 Nov 2026, 23:30 in Chicago, already Monday in UTC.
	lateSunday := time.Date(2026, 11, 23, 5, 30, 0, 0, time.UTC)
	tests := []struct {
		text string
		now  time.Time
		want string // Preference.String(), or "" when nothing is found
	}{
		{"tomorrow at 3", fri, "from=2026-11-21 to=2026-11-21 times=15:00"},
		{"next Tuesday afternoon", fri, "from=2026-11-24 to=2026-11-24 windows=12:00-17:00"},
		{"Fri 10am", fri, "from=2026-11-20 to=2026-11-20 times=10:00"},
		{"fri 10", fri, "from=2026-11-20 to=2026-11-20 times=10:00"},
		{"the 14th", fri, "from=2026-12-14 to=2026-12-14"},
		{"on the 24th?", fri, "from=2026-11-24 to=2026-11-24"},
		{"after 5", fri, "windows=17:00-24:00"},
		{"monday around 4ish", fri, "from=2026-11-23 to=2026-11-23 times=16:00"},
		{"tmrw 2ish?", fri, "from=2026-11-21 to=2026-11-21 times=14:00"},
		{"11amish works", fri, "times=11:00"},
		{"stylish", fri, ""},
		{"anytime after 5pm", fri, "windows=17:00-24:00"},
		{"mornings", fri, "windows=00:00-12:00"},
		{"this weekend", fri, "from=2026-11-21 to=2026-11-22"},
		{"next weekend", fri, "from=2026-11-28 to=2026-11-29"},
		{"asap", fri, "asap"},
		{"as soon as possible please", fri, "asap"},
		{"first available", fri, "asap"},
		{"today", fri, "from=2026-11-20 to=2026-11-20"},
		{"tonight", fri, "from=2026-11-20 to=2026-11-20 windows=17:00-24:00"},
		{"day after tomorrow", fri, "from=2026-11-22 to=2026-11-22"},
		{"tmrw morning", fri, "from=2026-11-21 to=2026-11-21 windows=00:00-12:00"},
		{"Monday or Tuesday", fri, "from=2026-11-23 to=2026-11-24"},
		{"tuesdays", fri, "days=tue"},
		{"weekdays after work", fri, "days=mon,tue,wed,thu,fri windows=17:00-24:00"},
		{"next week", fri, "from=2026-11-23 to=2026-11-29"},
		{"this week", fri, "from=2026-11-20 to=2026-11-22"},
		{"dec 3 at 3:30", fri, "from=2026-12-03 to=2026-12-03 times=15:30"},
		{"I'll take 130pm", fri, "times=13:30"},
		{"weekday evenings after 6", fri, "days=mon,tue,wed,thu,fri windows=18:00-24:00"},
		{"mornings or after 5", fri, "windows=00:00-12:00,17:00-24:00"},
		{"1130 am tomorrow", fri, "from=2026-11-21 to=2026-11-21 times=11:30"},
		{"can you do 430 pm", fri, "times=16:30"},
		{"December 3rd", fri, "from=2026-12-03 to=2026-12-03"},
		{"12/3", fri, "from=2026-12-03 to=2026-12-03"},
		{"11/2", fri, "from=2027-11-02 to=2027-11-02"},
		{"between 2 and 4", fri, "windows=14:00-16:00"},
		{"2-4pm", fri, "windows=14:00-16:00"},
		{"before noon", fri, "windows=00:00-12:00"},
		{"around noon", fri, "times=12:00"},
		{"3:30", fri, "times=15:30"},
		{"the 3:30", fri, "times=15:30"},
		{"10:30 a.m.", fri, "times=10:30"},
		{"@ 11", fri, "times=11:00"},
		{"lunchtime", fri, "windows=11:30-13:30"},
		{"Saturday", fri, "from=2026-11-21 to=2026-11-21"},
		{"Friday works", fri, "from=2026-11-20 to=2026-11-20"},
		{"next friday", fri, "from=2026-11-27 to=2026-11-27"},
		{"friday next week at 2pm", fri, "from=2026-11-27 to=2026-11-27 times=14:00"},
		{"10 works", fri, "times=10:00"},
		{"good morning", fri, ""},
		{"tomorrow at 3", beforeDST, "from=2026-03-08 to=2026-03-08 times=15:00"},
		{"tomorrow 2am", beforeDST, "from=2026-03-08 to=2026-03-08 times=02:00"},
		{"tomorrow at 1:30am", beforeFallBack, "from=2026-11-01 to=2026-11-01 times=01:30"},
		{"tomorrow", lateSunday, "from=2026-11-23 to=2026-11-23"},
		{"this weekend", lateSunday, "from=2026-11-22 to=2026-11-22"},
		{"how much is botox", fri, ""},
		{"I need 2 syringes", fri, ""},
		{"may I book", fri, ""},
		{"", fri, ""},
	}
	for _, tt := range tests {
		p, ok := Parse(tt.text, tt.now, loc)
		got := ""
		if ok {
			got = p.String()
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestMatchesAcrossDST(t *testing.T) {
	loc := chicago(t)
	now := time.Date(2026, 3, 8, 2, 0, 0, 0, time.UTC) // Sat 7 Mar, 20:00 CST
	p, ok := Parse("tomorrow at 3", now, loc)
	if !ok {
		t.Fatal("not parsed")
	}
	slot := time.Date(2026, 3, 8, 15, 0, 0, 0, loc) // 15:00 CDT
	if !p.Matches(slot, loc) || slot.UTC().Hour() != 20 {
		t.Errorf("3pm CDT (%s) does not match %s", slot.UTC(), p)
	}
	if p.Matches(slot.Add(time.Hour), loc) {
		t.Error("4pm matches a 3pm preference")
	}
	// 2:30 does not exist on 8 Mar in Chicago; the same wall time a day
	// later does and matches an "at 2:30am" preference on that day.
	p2, _ := Parse("mar 9 at 2:30am", now, loc)
	if !p2.Matches(time.Date(2026, 3, 9, 2, 30, 0, 0, loc), loc) {
		t.Errorf("%s does not match 2:30am on 9 Mar", p2)
	}
}

func TestPreferenceJSON(t *testing.T) {
	p, _ := Parse("next Tuesday afternoon at 3", time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC), chicago(t))
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Preference
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.String() != p.String() {
		t.Errorf("round trip %s -> %s -> %s", p, b, back)
	}
	b, _ = json.Marshal(Preference{ASAP: true})
	if string(b) != `{"asap":true}` {
		t.Errorf("zero dates encoded: %s", b)
	}
}

func TestClock12(t *testing.T) {
	for m, want := range map[int]string{0: "12am", 9 * 60: "9am", 12 * 60: "12pm", 15*60 + 30: "3:30pm"} {
		if got := Clock12(m); got != want {
			t.Errorf("Clock12(%d) = %q, want %q", m, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"tomorrow at 3", "next Tuesday afternoon", "Fri 10am", "the 14th", "after 5",
		"mornings", "this weekend", "asap", "between 2 and 4", "12/31", "feb 30", "31st", "0:00", "@", "-",
		"at 12am", "99:99", "between 11 and 1", "3-", "next next next", "11/2 2-4pm"} {
		f.Add(s, int64(1795197000))
	}
	loc := chicago(f)
	f.Fuzz(func(t *testing.T, text string, unix int64) {
		now := time.Unix(unix%(1<<34), 0)
		p, ok := Parse(text, now, loc)
		if !ok {
			if !p.IsZero() {
				t.Fatalf("Parse(%q) not ok but gave %s", text, p)
			}
			return
		}
		today := DateOf(now.In(loc))
		if !p.From.IsZero() && p.From.Before(today) {
			t.Fatalf("Parse(%q) at %s starts in the past: %s", text, now, p)
		}
		if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
			t.Fatalf("Parse(%q) gave an empty range: %s", text, p)
		}
		for _, w := range p.Windows {
			if w.From < 0 || w.To > 24*60 || w.From >= w.To {
				t.Fatalf("Parse(%q) gave window %+v", text, w)
			}
		}
		for _, m := range p.Times {
			if m < 0 || m >= 24*60 {
				t.Fatalf("Parse(%q) gave time %d", text, m)
			}
		}
		if !utf8.ValidString(p.String()) {
			t.Fatal("invalid string")
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back Preference
		if err := json.Unmarshal(b, &back); err != nil || back.String() != p.String() {
			t.Fatalf("JSON round trip of %s: %s, %v", p, back, err)
		}
	})
}
