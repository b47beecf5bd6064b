package storetest

import (
	"context"
	"maps"
	"testing"

	"github.com/medspa/engine/persistence"
)

// HasBookingBackfill checks migration 0005 on s: it sets has_booking of the
// conversations stored before it from their state, true only for a booked
// appointment; empty states, and those of extra (lead id to state), are
// left false. rerun takes 0005 back and applies it again.
func HasBookingBackfill(t *testing.T, s persistence.Store, extra map[string]string, rerun func(context.Context) error) {
	ctx := context.Background()
	states := map[string]string{
		"booked":    `{"phase":"booked","appointments":[{"id":"a1","status":"cancelled"},{"id":"a2","status":"booked"}]}`,
		"cancelled": `{"appointments":[{"id":"a1","status":"cancelled"}]}`,
		"elsewhere": `{"hold":{"status":"booked"},"appointments":[{"id":"a1","status":"held"}]}`,
		"none":      `{"phase":"new"}`,
		"empty":     ``,
	}
	maps.Copy(states, extra)
	var cs []persistence.Commit
	for lead, state := range states {
		cs = append(cs, persistence.Commit{Snapshot: persistence.Snapshot{ClinicID: "c1", LeadID: lead, State: []byte(state)}})
	}
	mustApply(t, s, cs...)
	if err := rerun(ctx); err != nil {
		t.Fatalf("take 0005 back and migrate again: %v", err)
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

// ConsentLedgerIsAppendOnly checks that the database of s refuses to
// change or delete a consent event; exec runs a statement on it directly.
func ConsentLedgerIsAppendOnly(t *testing.T, s persistence.Store, exec func(ctx context.Context, sql string) error) {
	ctx := context.Background()
	mustApply(t, s, persistence.Commit{
		Snapshot: persistence.Snapshot{ClinicID: "c1", LeadID: "l1", Phone: "+15550000000"},
		Consent:  []persistence.ConsentEvent{{Kind: "granted", Source: "web_form"}},
	})
	for _, q := range []string{"DELETE FROM consent_events", "UPDATE consent_events SET kind = 'revoked'"} {
		if err := exec(ctx, q); err == nil {
			t.Errorf("%s succeeded", q)
		}
	}
	if es, err := s.ConsentLedger(ctx, "c1", "+15550000000"); err != nil || len(es) != 1 || es[0].Kind != "granted" {
		t.Errorf("ledger = %+v, %v; want the granted event", es, err)
	}
}
