package clinic

import (
	"errors"
	"testing"
	"time"
)

// teamClinic is the demo clinic with two providers, a HydraFacial room and
// a buffer on Botox, whatever the demo's own schedule.
func teamClinic(t *testing.T) *Clinic {
	t.Helper()
	c := *glowClinic(t)
	var services []Service
	for _, s := range c.Services {
		switch s.ID {
		case "botox":
			s.BufferMinutes = 10
		case "lip-filler", "hydrafacial":
			s.BufferMinutes = 0
		default:
			continue
		}
		services = append(services, s)
	}
	c.Services = services
	c.Providers = []Provider{
		{ID: "dr-kim", Name: "Dr. Sarah Kim", Services: []string{"botox", "lip-filler"}},
		{ID: "nurse-ali", Name: "Ali Moreno RN", Services: []string{"botox", "hydrafacial"}},
	}
	c.Rooms = []Room{{ID: "hydra-1", Name: "HydraFacial room", Services: []string{"hydrafacial"}}}
	c.Hours = map[string]string{"mon": "09:00-18:00", "tue": "09:00-18:00", "wed": "09:00-18:00", "thu": "09:00-18:00", "fri": "09:00-18:00", "sat": "closed", "sun": "closed"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return &c
}

func svcOf(t *testing.T, c *Clinic, id string) Service {
	t.Helper()
	s, ok := c.ServiceByID(id)
	if !ok {
		t.Fatalf("no service %s", id)
	}
	return s
}

// Monday 23 Nov 2026 at a wall-clock time in Chicago.
func mon(c *Clinic, h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, c.Location()) }

func TestHoldPlacesProvidersAndRooms(t *testing.T) {
	c := teamClinic(t)
	botox, lips, hydra := svcOf(t, c, "botox"), svcOf(t, c, "lip-filler"), svcOf(t, c, "hydrafacial")
	type hold struct {
		lead  string
		svc   Service
		want  string
		start time.Time
		err   error
		prov  string
		room  string
	}
	tests := []struct {
		name  string
		holds []hold
	}{
		{"two suitable providers take the same time, the third is refused", []hold{
			{"A", botox, "", mon(c, 10, 0), nil, "dr-kim", ""},
			{"B", botox, "", mon(c, 10, 0), nil, "nurse-ali", ""},
			{"C", botox, "", mon(c, 10, 0), ErrSlotTaken, "", ""},
		}},
		{"only one provider performs lip filler", []hold{
			{"A", lips, "", mon(c, 10, 0), nil, "dr-kim", ""},
			{"B", lips, "", mon(c, 10, 0), ErrSlotTaken, "", ""},
			{"C", botox, "", mon(c, 10, 0), nil, "nurse-ali", ""},
		}},
		{"the room is the limit", []hold{
			{"A", hydra, "", mon(c, 10, 0), nil, "nurse-ali", "hydra-1"},
			{"B", botox, "", mon(c, 10, 0), nil, "dr-kim", ""},
			{"C", hydra, "", mon(c, 11, 0), nil, "nurse-ali", "hydra-1"},
		}},
		{"a buffer keeps the provider busy after the service", []hold{
			{"A", botox, "dr-kim", mon(c, 10, 0), nil, "dr-kim", ""},
			{"B", botox, "dr-kim", mon(c, 10, 30), ErrSlotTaken, "", ""},
			{"C", botox, "dr-kim", mon(c, 11, 0), nil, "dr-kim", ""},
		}},
		{"least booked that day first, ties by settings order", []hold{
			{"A", lips, "", mon(c, 9, 0), nil, "dr-kim", ""},
			{"B", botox, "", mon(c, 14, 0), nil, "nurse-ali", ""},
			{"C", botox, "", mon(c, 16, 0), nil, "dr-kim", ""},
			{"D", lips, "", mon(c, 12, 0), nil, "dr-kim", ""},
			{"E", botox, "", mon(c, 17, 0), nil, "nurse-ali", ""},
		}},
		{"a provider asked for who does not perform the service", []hold{
			{"A", lips, "nurse-ali", mon(c, 10, 0), ErrSlotTaken, "", ""},
		}},
	}
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cal Calendar
			for _, h := range tt.holds {
				next, a, err := cal.HoldWith(c, h.lead, h.svc, h.want, h.start, now)
				if !errors.Is(err, h.err) {
					t.Fatalf("%s: err %v, want %v", h.lead, err, h.err)
				}
				if err != nil {
					continue
				}
				if a.ProviderID != h.prov || a.RoomID != h.room {
					t.Fatalf("%s: placed with %q in %q, want %q in %q", h.lead, a.ProviderID, a.RoomID, h.prov, h.room)
				}
				cal = next
			}
		})
	}
}

func TestClinicWithoutProvidersIsOneChair(t *testing.T) {
	c := teamClinic(t)
	c.Providers, c.Rooms = nil, nil
	botox := svcOf(t, c, "botox")
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	cal, a, err := Calendar{}.Hold(c, "A", botox, mon(c, 10, 0), now)
	if err != nil || a.ProviderID != "" || a.RoomID != "" {
		t.Fatalf("hold %+v %v", a, err)
	}
	if _, _, err := cal.Hold(c, "B", botox, mon(c, 10, 0), now); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("second lead at the same time: %v", err)
	}
	if _, _, err := cal.HoldWith(c, "B", botox, "dr-kim", mon(c, 12, 0), now); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("a provider asked for in a clinic without providers: %v", err)
	}
}

func TestBlocksTakeTimeAndReportConflicts(t *testing.T) {
	c := teamClinic(t)
	botox := svcOf(t, c, "botox")
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	cal, kim, _ := Calendar{}.Hold(c, "A", botox, mon(c, 14, 0), now)
	cal, ali, _ := cal.Hold(c, "B", botox, mon(c, 14, 0), now)
	if kim.ProviderID != "dr-kim" || ali.ProviderID != "nurse-ali" {
		t.Fatalf("placed %s, %s", kim.ProviderID, ali.ProviderID)
	}
	afternoon := Block{ID: "bl_1", ProviderID: "dr-kim", Start: mon(c, 13, 0), End: mon(c, 18, 0), Reason: "Training", Source: BlockStaff}
	blocked, conflicts := cal.AddBlock(afternoon, now)
	if len(conflicts) != 1 || conflicts[0].Appointment.ID != kim.ID || conflicts[0].Block.ID != "bl_1" {
		t.Fatalf("conflicts %+v", conflicts)
	}
	if got, _ := blocked.Find(kim.ID); got != kim {
		t.Fatalf("the held appointment moved: %+v", got)
	}
	if again, c2 := blocked.AddBlock(afternoon, now); len(c2) != 1 || len(again.Blocks) != 1 {
		t.Fatalf("re-adding the block: %d conflicts, %d blocks", len(c2), len(again.Blocks))
	}
	// Dr. Kim is blocked at 15:00, Ali is free then.
	if _, a, err := blocked.Hold(c, "C", botox, mon(c, 15, 0), now); err != nil || a.ProviderID != "nurse-ali" {
		t.Fatalf("hold during Dr. Kim's block: %+v %v", a, err)
	}
	if _, _, err := blocked.HoldWith(c, "C", botox, "dr-kim", mon(c, 15, 0), now); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("Dr. Kim during her block: %v", err)
	}
	whole, conflicts := blocked.AddBlock(Block{ID: "bl_2", Start: mon(c, 14, 0), End: mon(c, 14, 30), Source: BlockStaff}, now)
	if len(conflicts) != 2 {
		t.Fatalf("a whole-clinic block over both holds: %+v", conflicts)
	}
	if _, _, err := whole.Hold(c, "C", botox, mon(c, 13, 30), now); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("13:30 plus buffer runs into the clinic's block: %v", err)
	}
	freed := whole.RemoveBlock("bl_2").RemoveBlock("bl_1").RemoveBlock("bl_x")
	if len(freed.Blocks) != 0 || len(freed.Appointments) != 2 {
		t.Fatalf("after removing: %+v", freed)
	}
	room, conflicts := cal.AddBlock(Block{ID: "bl_3", RoomID: "hydra-1", Start: mon(c, 9, 0), End: mon(c, 18, 0), Source: BlockStaff}, now)
	if len(conflicts) != 0 {
		t.Fatalf("a room block over no room's appointments: %+v", conflicts)
	}
	if _, _, err := room.Hold(c, "C", svcOf(t, c, "hydrafacial"), mon(c, 10, 0), now); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("hydrafacial with its only room blocked: %v", err)
	}
	if exp := room.ExpireHolds(mon(c, 18, 0)); len(exp.Blocks) != 0 {
		t.Fatalf("ended blocks kept: %+v", exp.Blocks)
	}
}

func TestSetCalendarBusyReportsOnlyNewIntervals(t *testing.T) {
	c := teamClinic(t)
	botox := svcOf(t, c, "botox")
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	cal, kim, _ := Calendar{}.HoldWith(c, "A", botox, "dr-kim", mon(c, 10, 0), now)
	cal, _ = cal.AddBlock(Block{ID: "bl_s", ProviderID: "dr-kim", Start: mon(c, 16, 0), End: mon(c, 17, 0), Source: BlockStaff}, now)
	busy := []Block{{UID: "ev1", Start: mon(c, 9, 30), End: mon(c, 10, 15), Summary: "Dentist"}}
	cal, conflicts := cal.SetCalendarBusy("dr-kim", busy, now)
	if len(conflicts) != 1 || conflicts[0].Appointment.ID != kim.ID || conflicts[0].Block.Source != BlockCalendar || conflicts[0].Block.ID == "" {
		t.Fatalf("conflicts %+v", conflicts)
	}
	cal, conflicts = cal.SetCalendarBusy("dr-kim", busy, now)
	if len(conflicts) != 0 || len(cal.Blocks) != 2 {
		t.Fatalf("the same busy time again: %+v, %d blocks", conflicts, len(cal.Blocks))
	}
	moved := []Block{{UID: "ev1", Start: mon(c, 9, 45), End: mon(c, 10, 15)}}
	if _, conflicts = cal.SetCalendarBusy("dr-kim", moved, now); len(conflicts) != 1 {
		t.Fatalf("a moved event is new: %+v", conflicts)
	}
	cleared, _ := cal.SetCalendarBusy("dr-kim", nil, now)
	if len(cleared.Blocks) != 1 || cleared.Blocks[0].ID != "bl_s" {
		t.Fatalf("clearing the calendar must keep staff blocks: %+v", cleared.Blocks)
	}
}
