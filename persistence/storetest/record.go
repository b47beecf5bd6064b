package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

// testReadConversation: the staff's read model holds, in one call, the
// snapshot, the newest transcript lines, the timers, the consent ledger of
// the conversation's number and the clinic's calendar, and nothing of
// another conversation or clinic.
func testReadConversation(t *testing.T, s persistence.Store) {
	if _, err := s.ReadConversation(ctx(t), "c1", "a", 10); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("ReadConversation(missing) err = %v, want ErrNotFound", err)
	}
	a := commit("c1", "a", 0, "k1", t0)
	a.Timers = []persistence.Timer{{ID: "follow-up", ClinicID: "c1", LeadID: "a", Kind: "follow-up", DueAt: t0.Add(time.Hour)}}
	a.Consent = []persistence.ConsentEvent{{Kind: "granted", Source: "web_form", At: t0}}
	mustApply(t, s, a, commit("c1", "b", 0, "other", t0), commit("c2", "a", 0, "elsewhere", t0))
	mustApply(t, s, commit("c1", "a", 1, "k2", t0.Add(time.Minute)), commit("c1", "a", 2, "k3", t0.Add(2*time.Minute)))

	got, err := s.ReadConversation(ctx(t), "c1", "a", 2)
	if err != nil {
		t.Fatalf("ReadConversation: %v", err)
	}
	if got.Snapshot.LeadID != "a" || got.Snapshot.Version != 3 || got.Snapshot.Phase != "phase-k3" {
		t.Errorf("snapshot = %+v", got.Snapshot)
	}
	var lines []string
	for _, e := range got.Transcript {
		lines = append(lines, e.ID)
	}
	wantStrings(t, "transcript", lines, "tr-k2", "tr-k3")
	wantStrings(t, "timers", timerList(got.Timers), "a/follow-up@1h0m0s")
	if len(got.Consent) != 1 || got.Consent[0].Kind != "granted" {
		t.Errorf("consent = %+v", got.Consent)
	}
	if got.Clinic.Version != 0 || len(got.Clinic.State) != 0 {
		t.Errorf("clinic without a calendar = %+v", got.Clinic)
	}
	if err := s.SaveClinic(ctx(t), persistence.ClinicSnapshot{ClinicID: "c1", State: []byte(`{"appointments":[]}`), UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	got, err = s.ReadConversation(ctx(t), "c1", "a", 10)
	if err != nil {
		t.Fatalf("ReadConversation: %v", err)
	}
	if got.Clinic.Version != 1 || string(got.Clinic.State) != `{"appointments":[]}` || len(got.Transcript) != 3 {
		t.Errorf("with a calendar: clinic %+v, %d transcript lines", got.Clinic, len(got.Transcript))
	}
}
