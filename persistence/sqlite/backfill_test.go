package sqlite

import (
	"context"
	"testing"

	"github.com/medspa/engine/persistence"
)

// Migration 0005 sets has_booking of the conversations stored before it
// from their state: true only for a booked appointment, and states that
// are empty or not JSON are left false.
func TestMigrationBackfillsHasBooking(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	states := map[string]string{
		"booked":    `{"phase":"booked","appointments":[{"id":"a1","status":"cancelled"},{"id":"a2","status":"booked"}]}`,
		"cancelled": `{"appointments":[{"id":"a1","status":"cancelled"}]}`,
		"elsewhere": `{"hold":{"status":"booked"},"appointments":[{"id":"a1","status":"held"}]}`,
		"none":      `{"phase":"new"}`,
		"empty":     ``,
		"not json":  `not json "status":"booked"`,
	}
	var cs []persistence.Commit
	for lead, state := range states {
		cs = append(cs, persistence.Commit{Snapshot: persistence.Snapshot{ClinicID: "c1", LeadID: lead, State: []byte(state)}})
	}
	if res, err := s.Apply(ctx, cs); err != nil {
		t.Fatalf("Apply: %v", err)
	} else {
		for i, r := range res {
			if r != nil {
				t.Fatalf("Apply %s: %v", cs[i].Snapshot.LeadID, r)
			}
		}
	}
	// Take 0005 back, then migrate again.
	for _, stmt := range []string{
		"DROP INDEX conversations_phase",
		"DROP INDEX conversations_booking",
		"ALTER TABLE conversations DROP COLUMN has_booking",
		"DELETE FROM schema_migrations WHERE version = 5",
	} {
		if _, err := s.w.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := migrate(ctx, s.w, logger(Options{}), s.now); err != nil {
		t.Fatal(err)
	}
	for lead := range states {
		snap, err := s.LoadSnapshot(ctx, "c1", lead)
		if err != nil {
			t.Fatalf("LoadSnapshot(%s): %v", lead, err)
		}
		if want := lead == "booked"; snap.HasBooking != want {
			t.Errorf("%s: HasBooking = %v, want %v", lead, snap.HasBooking, want)
		}
	}
}
