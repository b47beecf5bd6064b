package storetest

import (
	"errors"
	"fmt"
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

// testReadConversationOneMoment: a record is read as of one moment. While
// commits add a transcript line, a timer and a consent event to the
// conversation with every version, each record read has as many of each
// as its snapshot's version.
func testReadConversationOneMoment(t *testing.T, s persistence.Store) {
	const versions = 60
	step := func(v int64) persistence.Commit {
		key := fmt.Sprintf("k%d", v)
		c := commit("c1", "a", v, key, t0.Add(time.Duration(v)*time.Second))
		c.Timers = []persistence.Timer{{ID: "t-" + key, Kind: "follow-up", DueAt: t0.Add(time.Hour)}}
		c.Consent = []persistence.ConsentEvent{{Kind: "granted", Source: "web_form"}}
		return c
	}
	mustApply(t, s, step(0))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for v := int64(1); v < versions; v++ {
			if res, err := s.Apply(ctx(t), []persistence.Commit{step(v)}); err != nil || res[0] != nil {
				t.Errorf("Apply version %d: %v, %v", v, res, err)
				return
			}
		}
	}()
	defer func() { <-done }()
	for reads, writing := 0, true; writing || reads == 0; reads++ {
		select {
		case <-done:
			writing = false
		default:
		}
		rec, err := s.ReadConversation(ctx(t), "c1", "a", 0)
		if err != nil {
			t.Fatalf("ReadConversation: %v", err)
		}
		v := rec.Snapshot.Version
		if int64(len(rec.Transcript)) != v || int64(len(rec.Timers)) != v || int64(len(rec.Consent)) != v {
			t.Fatalf("read %d: version %d with %d transcript lines, %d timers, %d consent events",
				reads, v, len(rec.Transcript), len(rec.Timers), len(rec.Consent))
		}
	}
}
