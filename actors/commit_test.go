package actors

import (
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
)

// The snapshot's HasBooking says whether any appointment is booked, for
// the staff list's has_booking filter.
func TestCommitSnapshotHasBooking(t *testing.T) {
	a := &leadActor{clinic: &clinic.Clinic{ID: "c1"}, leadID: "l1"}
	now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	appt := func(id, status string) conversation.Appointment {
		return conversation.Appointment{ID: id, Status: status, Start: now.Add(72 * time.Hour), End: now.Add(73 * time.Hour)}
	}
	for _, tt := range []struct {
		name  string
		appts []conversation.Appointment
		want  bool
	}{
		{"none", nil, false},
		{"held", []conversation.Appointment{appt("a1", conversation.ApptHeld)}, false},
		{"cancelled", []conversation.Appointment{appt("a1", conversation.ApptCancelled)}, false},
		{"booked", []conversation.Appointment{appt("a1", conversation.ApptBooked)}, true},
		{"booked before a cancelled one", []conversation.Appointment{appt("a1", conversation.ApptBooked), appt("a2", conversation.ApptCancelled)}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			next := conversation.State{ClinicID: "c1", LeadID: "l1", Phase: conversation.PhaseBooked, Appointments: tt.appts}
			c, _, err := a.buildCommit(decision{key: "k1", step: conversation.Settle("k1", nil, next, nil, nil, now)}, now)
			if err != nil {
				t.Fatal(err)
			}
			if c.Snapshot.HasBooking != tt.want {
				t.Errorf("HasBooking = %v, want %v", c.Snapshot.HasBooking, tt.want)
			}
		})
	}
}
