package actors_test

import (
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/actors"
	"github.com/medspa/engine/internal/clinic"
)

// The note a conflict leaves names both events: the block (whose, why,
// when, in the clinic's zone) and the appointment (status, service, time,
// provider, id).
func TestConflictNoteNamesBothEvents(t *testing.T) {
	c := clinic.Demo()[0]
	start := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC) // 2pm in Chicago
	appt := clinic.Appointment{ID: "ap_0011223344556677", LeadID: "ld_x", ServiceID: "botox", Start: start, End: start.Add(30 * time.Minute),
		Status: clinic.StatusHeld, ProviderID: "dr-kim"}
	staff := clinic.Block{ID: "bl_1", ProviderID: "dr-kim", Start: start.Add(-time.Hour), End: start.Add(3 * time.Hour), Reason: "Training", Source: clinic.BlockStaff}
	note := actors.ConflictNote(&c, clinic.Conflict{Appointment: appt, Block: staff})
	for _, want := range []string{"Blocked time", "Dr. Sarah Kim", "Training", "Mon Nov 23 1:00pm-5:00pm", "held Botox", "2:00pm-2:30pm", "ap_0011223344556677"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}
	event := clinic.Block{ID: "cb_1", ProviderID: "dr-kim", Start: start, End: start.Add(time.Hour), Source: clinic.BlockCalendar, Summary: "Dentist"}
	note = actors.ConflictNote(&c, clinic.Conflict{Appointment: appt, Block: event})
	for _, want := range []string{"Calendar event", `"Dentist"`, "ap_0011223344556677"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}
	whole := clinic.Block{ID: "bl_2", Start: start, End: start.Add(26 * time.Hour), Source: clinic.BlockStaff}
	if note = actors.ConflictNote(&c, clinic.Conflict{Appointment: appt, Block: whole}); !strings.Contains(note, "whole clinic") || !strings.Contains(note, "Tue Nov 24") {
		t.Errorf("whole-clinic note %q", note)
	}
}
