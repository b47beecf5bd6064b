package clinic

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestScheduleSettingsValidation(t *testing.T) {
	base := func() Clinic {
		c := Demo()[0]
		var all []string
		for _, s := range c.Services {
			all = append(all, s.ID)
		}
		c.Providers = []Provider{{ID: "dr-kim", Name: "Dr. Sarah Kim", Services: all}}
		c.Rooms = []Room{{ID: "hydra-1", Name: "HydraFacial room", Services: []string{"hydrafacial"}}}
		return c
	}
	many := func(n int) []Provider {
		var ps []Provider
		for i := 0; i < n; i++ {
			ps = append(ps, Provider{ID: fmt.Sprintf("p-%d", i), Name: "P", Services: []string{"botox"}})
		}
		return ps
	}
	tests := []struct {
		name  string
		edit  func(*Clinic)
		field string
	}{
		{"provider id with capitals", func(c *Clinic) { c.Providers[0].ID = "Dr_Kim" }, "providers[0].id"},
		{"duplicate provider", func(c *Clinic) { c.Providers = append(c.Providers, c.Providers[0]) }, "providers[dr-kim].id"},
		{"unknown service", func(c *Clinic) { c.Providers[0].Services = append([]string{"tattoo"}, c.Providers[0].Services...) }, "providers[dr-kim].services[0]"},
		{"no services", func(c *Clinic) { c.Providers[0].Services = nil }, "providers[dr-kim].services"},
		{"bad hours", func(c *Clinic) { c.Providers[0].Hours = map[string]string{"mon": "17:00-09:00"} }, "providers[dr-kim].hours.mon"},
		{"unknown day", func(c *Clinic) { c.Providers[0].Hours = map[string]string{"monday": "09:00-17:00"} }, "providers[dr-kim].hours.monday"},
		{"name with a link", func(c *Clinic) { c.Providers[0].Name = "see www.example.com" }, "providers[dr-kim].name"},
		{"too many providers", func(c *Clinic) { c.Providers = many(MaxProviders + 1) }, "providers"},
		{"calendar not http", func(c *Clinic) { c.Providers[0].Calendar = &ExternalCalendar{CalDAV: "ftp://x.example/cal"} }, "providers[dr-kim].calendar.caldav"},
		{"calendar with credentials", func(c *Clinic) { c.Providers[0].Calendar = &ExternalCalendar{ICS: "https://u:p@x.example/f.ics"} }, "providers[dr-kim].calendar.ics"},
		{"room service unknown", func(c *Clinic) { c.Rooms[0].Services = []string{"sauna"} }, "rooms[hydra-1].services[0]"},
		{"duplicate room", func(c *Clinic) { c.Rooms = append(c.Rooms, c.Rooms[0]) }, "rooms[hydra-1].id"},
		{"too many rooms", func(c *Clinic) {
			c.Rooms = nil
			for i := 0; i <= MaxRooms; i++ {
				c.Rooms = append(c.Rooms, Room{ID: fmt.Sprintf("r-%d", i), Name: "R", Services: []string{"botox"}})
			}
		}, "rooms"},
		{"a service no provider performs", func(c *Clinic) { c.Providers[0].Services = []string{"lip-filler"} }, "services[botox]"},
		{"negative buffer", func(c *Clinic) { c.Services[0].BufferMinutes = -5 }, "services[botox].buffer_minutes"},
		{"long buffer", func(c *Clinic) { c.Services[0].BufferMinutes = MaxBufferMinutes + 1 }, "services[botox].buffer_minutes"},
	}
	ok := base()
	ok.Providers[0].Hours = map[string]string{"mon": "09:00-13:00", "tue": "closed"}
	ok.Providers[0].Calendar = &ExternalCalendar{CalDAV: "https://cal.example.com/dav/kim/", Secret: "KIM_CALDAV"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a valid schedule refused: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			c.Services = append([]Service(nil), c.Services...)
			tt.edit(&c)
			fields := FieldErrors(c.Validate())
			if _, found := fields[tt.field]; !found {
				t.Fatalf("no problem for %s: %v", tt.field, fields)
			}
		})
	}
}

func TestProviderHoursLimitTheirTimes(t *testing.T) {
	c := teamClinic(t)
	c.Providers[0].Hours = map[string]string{"mon": "09:00-12:00"} // Dr. Kim: Monday mornings only
	lips := svcOf(t, c, "lip-filler")
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	if _, _, err := (Calendar{}).Hold(c, "A", lips, mon(c, 11, 0), now); err != nil {
		t.Fatalf("within her hours: %v", err)
	}
	if _, _, err := (Calendar{}).Hold(c, "A", lips, mon(c, 11, 30), now); err == nil {
		t.Fatal("lip filler ending after her hours was held")
	}
	if _, _, err := (Calendar{}).Hold(c, "A", lips, mon(c, 11, 30).AddDate(0, 0, 1), now); err == nil {
		t.Fatal("lip filler on a day she does not work was held")
	}
}

func TestAttendanceTransitions(t *testing.T) {
	start := time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)
	during, early := start.Add(10*time.Minute), start.Add(-2*time.Hour)
	tests := []struct {
		from, to string
		now      time.Time
		ok       bool
	}{
		{"", AttendanceArrived, start.Add(-30 * time.Minute), true},
		{"", AttendanceCompleted, during, true},
		{"", AttendanceNoShow, during, true},
		{"", AttendanceCompleted, early, false},
		{AttendanceArrived, AttendanceCompleted, during, true},
		{AttendanceArrived, AttendanceNoShow, during, false},
		{AttendanceNoShow, AttendanceArrived, during, true},
		{AttendanceNoShow, AttendanceCompleted, during, true},
		{AttendanceCompleted, AttendanceNoShow, during, false},
		{AttendanceCompleted, AttendanceArrived, during, false},
		{AttendanceCompleted, AttendanceCompleted, during, true}, // a retry
		{"", "done", during, false},
	}
	for _, tt := range tests {
		p := AttendanceProblem(tt.from, tt.to, start, tt.now)
		if (p == "") != tt.ok {
			t.Errorf("%q -> %q at %s: problem %q", tt.from, tt.to, tt.now.Sub(start), p)
		}
		if !tt.ok && strings.TrimSpace(p) == "" {
			t.Errorf("%q -> %q: refused without saying why", tt.from, tt.to)
		}
	}
}

func TestAttendanceChoices(t *testing.T) {
	start := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		from string
		now  time.Time
		want string
	}{
		{"", start.Add(-2 * time.Hour), ""},
		{"", start.Add(-30 * time.Minute), "arrived completed no_show"},
		{AttendanceArrived, start, "completed"},
		{AttendanceNoShow, start.Add(time.Hour), "arrived completed"},
		{AttendanceCompleted, start.Add(time.Hour), ""},
	}
	for _, tt := range tests {
		if got := strings.Join(AttendanceChoices(tt.from, start, tt.now), " "); got != tt.want {
			t.Errorf("from %q at %s: %q, want %q", tt.from, tt.now.Sub(start), got, tt.want)
		}
	}
}
