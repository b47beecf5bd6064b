package calsync

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
)

func parseICS(t *testing.T, body string) *ical.Calendar {
	t.Helper()
	s := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + strings.ReplaceAll(strings.TrimSpace(body), "\n", "\r\n") + "\r\nEND:VCALENDAR\r\n"
	cal, err := ical.NewDecoder(strings.NewReader(s)).Decode()
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return cal
}

func TestExpand(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	la, _ := time.LoadLocation("America/Los_Angeles")
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	// The window: the week of Mon 2026-03-02 .. Mon 2026-03-16 in New York
	// (DST starts Sun 2026-03-08).
	from, to := at(ny, 2026, 3, 2, 0, 0), at(ny, 2026, 3, 16, 0, 0)
	type iv struct{ s, e time.Time }
	cases := []struct {
		name string
		ics  string
		want []iv
	}{
		{"single UTC event", `
BEGIN:VEVENT
UID:a
DTSTART:20260303T150000Z
DTEND:20260303T160000Z
SUMMARY:Dentist
END:VEVENT`, []iv{{at(time.UTC, 2026, 3, 3, 15, 0), at(time.UTC, 2026, 3, 3, 16, 0)}}},
		{"TZID zone", `
BEGIN:VEVENT
UID:b
DTSTART;TZID=America/Los_Angeles:20260303T090000
DTEND;TZID=America/Los_Angeles:20260303T100000
END:VEVENT`, []iv{{at(la, 2026, 3, 3, 9, 0), at(la, 2026, 3, 3, 10, 0)}}},
		{"floating time is the clinic's zone", `
BEGIN:VEVENT
UID:c
DTSTART:20260303T090000
DURATION:PT90M
END:VEVENT`, []iv{{at(ny, 2026, 3, 3, 9, 0), at(ny, 2026, 3, 3, 10, 30)}}},
		{"all-day event is the clinic's whole day", `
BEGIN:VEVENT
UID:d
DTSTART;VALUE=DATE:20260304
DTEND;VALUE=DATE:20260305
END:VEVENT`, []iv{{at(ny, 2026, 3, 4, 0, 0), at(ny, 2026, 3, 5, 0, 0)}}},
		{"all-day without end lasts one day, across DST 23 hours", `
BEGIN:VEVENT
UID:e
DTSTART;VALUE=DATE:20260308
END:VEVENT`, []iv{{at(ny, 2026, 3, 8, 0, 0), at(ny, 2026, 3, 9, 0, 0)}}},
		{"transparent and cancelled are not busy", `
BEGIN:VEVENT
UID:f
DTSTART:20260303T150000Z
DTEND:20260303T160000Z
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:g
DTSTART:20260303T170000Z
DTEND:20260303T180000Z
STATUS:CANCELLED
END:VEVENT`, nil},
		{"outside the window", `
BEGIN:VEVENT
UID:h
DTSTART:20260401T150000Z
DTEND:20260401T160000Z
END:VEVENT`, nil},
		{"event reaching into the window from before", `
BEGIN:VEVENT
UID:i
DTSTART;TZID=America/New_York:20260301T220000
DTEND;TZID=America/New_York:20260302T020000
END:VEVENT`, []iv{{at(ny, 2026, 3, 1, 22, 0), at(ny, 2026, 3, 2, 2, 0)}}},
		{"weekly rule keeps wall time across DST, with EXDATE", `
BEGIN:VEVENT
UID:j
DTSTART;TZID=America/New_York:20260224T120000
DTEND;TZID=America/New_York:20260224T130000
RRULE:FREQ=WEEKLY;BYDAY=TU
EXDATE;TZID=America/New_York:20260310T120000
END:VEVENT`, []iv{{at(ny, 2026, 3, 3, 12, 0), at(ny, 2026, 3, 3, 13, 0)}}},
		{"daily rule with COUNT and a moved instance", `
BEGIN:VEVENT
UID:k
DTSTART:20260302T140000Z
DTEND:20260302T150000Z
RRULE:FREQ=DAILY;COUNT=3
END:VEVENT
BEGIN:VEVENT
UID:k
RECURRENCE-ID:20260303T140000Z
DTSTART:20260303T180000Z
DTEND:20260303T190000Z
END:VEVENT`, []iv{
			{at(time.UTC, 2026, 3, 2, 14, 0), at(time.UTC, 2026, 3, 2, 15, 0)},
			{at(time.UTC, 2026, 3, 3, 18, 0), at(time.UTC, 2026, 3, 3, 19, 0)},
			{at(time.UTC, 2026, 3, 4, 14, 0), at(time.UTC, 2026, 3, 4, 15, 0)},
		}},
		{"cancelled instance and UNTIL", `
BEGIN:VEVENT
UID:l
DTSTART:20260302T140000Z
DTEND:20260302T150000Z
RRULE:FREQ=DAILY;UNTIL=20260304T235959Z
END:VEVENT
BEGIN:VEVENT
UID:l
RECURRENCE-ID:20260303T140000Z
DTSTART:20260303T140000Z
DTEND:20260303T150000Z
STATUS:CANCELLED
END:VEVENT`, []iv{
			{at(time.UTC, 2026, 3, 2, 14, 0), at(time.UTC, 2026, 3, 2, 15, 0)},
			{at(time.UTC, 2026, 3, 4, 14, 0), at(time.UTC, 2026, 3, 4, 15, 0)},
		}},
		{"EXDATE list and RDATE", `
BEGIN:VEVENT
UID:m
DTSTART:20260302T140000Z
DTEND:20260302T150000Z
RRULE:FREQ=DAILY;COUNT=4
EXDATE:20260303T140000Z,20260304T140000Z
RDATE:20260310T090000Z
END:VEVENT`, []iv{
			{at(time.UTC, 2026, 3, 2, 14, 0), at(time.UTC, 2026, 3, 2, 15, 0)},
			{at(time.UTC, 2026, 3, 5, 14, 0), at(time.UTC, 2026, 3, 5, 15, 0)},
			{at(time.UTC, 2026, 3, 10, 9, 0), at(time.UTC, 2026, 3, 10, 10, 0)},
		}},
		{"recurring all-day event", `
BEGIN:VEVENT
UID:n
DTSTART;VALUE=DATE:20260306
DTEND;VALUE=DATE:20260307
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT`, []iv{
			{at(ny, 2026, 3, 6, 0, 0), at(ny, 2026, 3, 7, 0, 0)},
			{at(ny, 2026, 3, 13, 0, 0), at(ny, 2026, 3, 14, 0, 0)},
		}},
		{"event the engine wrote is not busy", `
BEGIN:VEVENT
UID:ap_1
DTSTART:20260303T150000Z
DTEND:20260303T160000Z
X-MEDSPA-APPOINTMENT:ap_1
END:VEVENT`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := Expand([]*ical.Calendar{parseICS(t, tc.ics)}, from, to, ny)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d intervals %v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				if !got[i].Start.Equal(w.s) || !got[i].End.Equal(w.e) {
					t.Errorf("interval %d: got %v-%v, want %v-%v", i, got[i].Start, got[i].End, w.s, w.e)
				}
			}
		})
	}
}

func TestExpandReportsBadEventsAndKeepsTheRest(t *testing.T) {
	cal := parseICS(t, `
BEGIN:VEVENT
UID:bad
DTSTART:notatime
END:VEVENT
BEGIN:VEVENT
UID:good
DTSTART:20260303T150000Z
DTEND:20260303T160000Z
SUMMARY:Lunch
END:VEVENT`)
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	got, errs := Expand([]*ical.Calendar{cal}, from, from.AddDate(0, 0, 7), time.UTC)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `"bad"`) {
		t.Fatalf("errors = %v, want one naming the bad event", errs)
	}
	if len(got) != 1 || got[0].UID != "good" || got[0].Summary != "Lunch" {
		t.Fatalf("got %v, want the good event", got)
	}
}

func TestExpandBoundsRunawayRules(t *testing.T) {
	cal := parseICS(t, `
BEGIN:VEVENT
UID:r
DTSTART:20200101T000000Z
DURATION:PT1S
RRULE:FREQ=SECONDLY
END:VEVENT`)
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	_, errs := Expand([]*ical.Calendar{cal}, from, from.AddDate(0, 0, 7), time.UTC)
	if len(errs) != 1 {
		t.Fatalf("errors = %v, want the runaway rule reported", errs)
	}
}
