package storetest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func timer(id string, due time.Time) persistence.Timer {
	return persistence.Timer{ID: id, Kind: "kind-" + id, DueAt: due, Payload: []byte(`{"timer":"` + id + `"}`)}
}

func leadTimers(t *testing.T, s persistence.Store, clinic, lead string) []persistence.Timer {
	t.Helper()
	ts, err := s.LeadTimers(ctx(t), clinic, lead)
	if err != nil {
		t.Fatalf("LeadTimers: %v", err)
	}
	return ts
}

func dueTimers(t *testing.T, s persistence.Store, at time.Time, limit int) []persistence.Timer {
	t.Helper()
	ts, err := s.DueTimers(ctx(t), at, limit)
	if err != nil {
		t.Fatalf("DueTimers: %v", err)
	}
	return ts
}

// timerList renders timers as "lead/id@offset from t0" for comparison.
func timerList(ts []persistence.Timer) []string {
	out := make([]string, len(ts))
	for i, tm := range ts {
		out[i] = fmt.Sprintf("%s/%s@%v", tm.LeadID, tm.ID, tm.DueAt.Sub(us(t0)))
	}
	return out
}

func testTimersStoredAndDue(t *testing.T, s persistence.Store) {
	a := commit("c1", "a", 0, "a1", t0)
	a.Timers = []persistence.Timer{timer("late", t0.Add(2*time.Hour)), timer("soon", t0.Add(time.Hour))}
	b := commit("c1", "b", 0, "b1", t0)
	b.Timers = []persistence.Timer{timer("mid", t0.Add(90*time.Minute))}
	c := commit("c2", "a", 0, "c1", t0) // another clinic, same lead id
	c.Timers = []persistence.Timer{timer("soon", t0.Add(3*time.Hour))}
	mustApply(t, s, a, b, c)

	got := leadTimers(t, s, "c1", "a")
	wantStrings(t, "lead timers", timerList(got), "a/soon@1h0m0s", "a/late@2h0m0s")
	want := a.Timers[1]
	if tm := got[0]; tm.ClinicID != "c1" || tm.LeadID != "a" || tm.Kind != want.Kind ||
		!bytes.Equal(tm.Payload, want.Payload) || !tm.DueAt.Equal(us(want.DueAt)) {
		t.Errorf("timer = %+v, want %+v", tm, want)
	}
	wantStrings(t, "lead timers c2", timerList(leadTimers(t, s, "c2", "a")), "a/soon@3h0m0s")
	wantStrings(t, "lead timers unknown", timerList(leadTimers(t, s, "c1", "nobody")))

	wantStrings(t, "due before", timerList(dueTimers(t, s, t0.Add(59*time.Minute), 10)))
	wantStrings(t, "due at 90m", timerList(dueTimers(t, s, t0.Add(90*time.Minute), 10)), "a/soon@1h0m0s", "b/mid@1h30m0s")
	wantStrings(t, "due limit 2", timerList(dueTimers(t, s, t0.Add(10*time.Hour), 2)), "a/soon@1h0m0s", "b/mid@1h30m0s")
	if n := len(dueTimers(t, s, t0.Add(10*time.Hour), 0)); n != 4 {
		t.Errorf("DueTimers(limit 0) returned %d timers, want 4", n)
	}
}

func testTimersMoveAndCancel(t *testing.T, s persistence.Store) {
	first := commit("c1", "a", 0, "k1", t0)
	first.Timers = []persistence.Timer{timer("hold", t0.Add(time.Hour)), timer("follow", t0.Add(2*time.Hour))}
	other := commit("c1", "b", 0, "k2", t0)
	other.Timers = []persistence.Timer{timer("follow", t0.Add(2*time.Hour))}
	mustApply(t, s, first, other)

	move := commit("c1", "a", 1, "k3", t0.Add(time.Minute))
	moved := timer("hold", t0.Add(3*time.Hour))
	moved.Kind, moved.Payload = "moved-kind", []byte("moved")
	move.Timers = []persistence.Timer{moved}
	move.CancelTimers = []string{"follow", "never-set"}
	mustApply(t, s, move)

	got := leadTimers(t, s, "c1", "a")
	wantStrings(t, "lead a", timerList(got), "a/hold@3h0m0s")
	if len(got) == 1 && (got[0].Kind != "moved-kind" || string(got[0].Payload) != "moved") {
		t.Errorf("moved timer = %+v, want the new kind and payload", got[0])
	}
	// The cancellation is of the commit's own conversation only.
	wantStrings(t, "lead b", timerList(leadTimers(t, s, "c1", "b")), "b/follow@2h0m0s")
}

func testTimersSetAndCancelInOneCommit(t *testing.T, s persistence.Store) {
	first := commit("c1", "a", 0, "k1", t0)
	first.Timers = []persistence.Timer{timer("x", t0.Add(time.Hour))}
	mustApply(t, s, first)

	// Cancel then set is a reschedule; a timer listed twice keeps the last.
	c := commit("c1", "a", 1, "k2", t0)
	c.CancelTimers = []string{"x", "y"}
	c.Timers = []persistence.Timer{timer("x", t0.Add(4*time.Hour)), timer("y", t0.Add(time.Hour)), timer("y", t0.Add(5*time.Hour))}
	mustApply(t, s, c)
	wantStrings(t, "lead timers", timerList(leadTimers(t, s, "c1", "a")), "a/x@4h0m0s", "a/y@5h0m0s")
}

func testDeleteTimersKeepsMoved(t *testing.T, s persistence.Store) {
	c := commit("c1", "a", 0, "k1", t0)
	c.Timers = []persistence.Timer{timer("one", t0), timer("two", t0.Add(time.Second)), timer("three", t0.Add(time.Hour))}
	mustApply(t, s, c)
	fired := dueTimers(t, s, t0.Add(time.Minute), 10)
	wantStrings(t, "due", timerList(fired), "a/one@0s", "a/two@1s")

	// While "two" was firing, its conversation moved it.
	move := commit("c1", "a", 1, "k2", t0.Add(time.Second))
	move.Timers = []persistence.Timer{timer("two", t0.Add(2*time.Hour))}
	mustApply(t, s, move)

	if err := s.DeleteTimers(ctx(t), fired); err != nil {
		t.Fatalf("DeleteTimers: %v", err)
	}
	wantStrings(t, "after delete", timerList(leadTimers(t, s, "c1", "a")), "a/three@1h0m0s", "a/two@2h0m0s")
	if err := s.DeleteTimers(ctx(t), nil); err != nil {
		t.Errorf("DeleteTimers(nil): %v", err)
	}
	// A due time given with more than microsecond precision still matches.
	exact := persistence.Timer{ClinicID: "c1", LeadID: "a", ID: "three", DueAt: t0.Add(time.Hour)}
	if err := s.DeleteTimers(ctx(t), []persistence.Timer{exact}); err != nil {
		t.Fatalf("DeleteTimers: %v", err)
	}
	wantStrings(t, "after second delete", timerList(leadTimers(t, s, "c1", "a")), "a/two@2h0m0s")
}

// testFailedCommitWritesNoExtras: a duplicate or a conflicting commit
// writes none of its timers, cancellations, consent events or receipts.
func testFailedCommitWritesNoExtras(t *testing.T, s persistence.Store) {
	first := commit("c1", "a", 0, "k1", t0)
	first.Timers = []persistence.Timer{timer("hold", t0.Add(time.Hour))}
	first.Consent = []persistence.ConsentEvent{{Phone: "+15550000000", Kind: "granted", Source: "web_form", Text: "yes"}}
	mustApply(t, s, first)
	send := persistence.Send{CommandID: "cmd-1", ClinicID: "c1", LeadID: "a", Carrier: "telnyx", ProviderID: "prov-1", Status: "sent", SentAt: t0}
	if err := s.RecordSend(ctx(t), send); err != nil {
		t.Fatalf("RecordSend: %v", err)
	}

	extras := func(c persistence.Commit) persistence.Commit {
		c.Timers = []persistence.Timer{timer("new", t0.Add(time.Minute)), timer("other", t0.Add(time.Minute))}
		c.Timers[1].LeadID = "b"
		c.CancelTimers = []string{"hold"}
		c.Consent = []persistence.ConsentEvent{{Kind: "revoked", Source: "inbound_text", Text: "STOP"}}
		c.Deliveries = []persistence.Delivery{{ProviderID: "prov-1", Status: "failed", ErrorCode: "30007"}}
		return c
	}
	good := commit("c1", "z", 0, "z1", t0) // the batch's other commit applies
	res := apply(t, s,
		extras(commit("c1", "a", 1, "k1", t0.Add(time.Minute))), // duplicate key
		extras(commit("c1", "a", 7, "k2", t0.Add(time.Minute))), // stale version
		extras(commit("c1", "a", 0, "k3", t0.Add(time.Minute))), // exists already
		extras(commit("c1", "b", 3, "k4", t0.Add(time.Minute))), // does not exist
		good,
	)
	wantResults(t, res, persistence.ErrDuplicate, persistence.ErrVersionConflict,
		persistence.ErrVersionConflict, persistence.ErrVersionConflict, nil)

	wantStrings(t, "timers a", timerList(leadTimers(t, s, "c1", "a")), "a/hold@1h0m0s")
	wantStrings(t, "timers b", timerList(leadTimers(t, s, "c1", "b")))
	wantStrings(t, "consent", consentKinds(t, s, "c1", "+15550000000"), "granted")
	got, err := s.LookupSend(ctx(t), "cmd-1")
	if err != nil || got.Status != "sent" || got.ErrorCode != "" {
		t.Errorf("LookupSend = %+v, %v; want status sent, no error code", got, err)
	}
	if _, err := s.LoadSnapshot(ctx(t), "c1", "z"); err != nil {
		t.Errorf("good commit not applied: %v", err)
	}

	// Fixed, the same parts apply.
	mustApply(t, s, extras(commit("c1", "a", 1, "k2", t0.Add(time.Minute))))
	wantStrings(t, "timers a after", timerList(leadTimers(t, s, "c1", "a")), "a/new@1m0s")
	wantStrings(t, "timers b after", timerList(leadTimers(t, s, "c1", "b")), "b/other@1m0s")
	wantStrings(t, "consent after", consentKinds(t, s, "c1", "+15550000000"), "granted", "revoked")
	if got, err := s.LookupSend(ctx(t), "cmd-1"); err != nil || got.Status != "failed" || got.ErrorCode != "30007" {
		t.Errorf("LookupSend after = %+v, %v; want failed 30007", got, err)
	}
}

func testLeadTimersEmpty(t *testing.T, s persistence.Store) {
	if ts, err := s.LeadTimers(ctx(t), "c1", "a"); err != nil || len(ts) != 0 {
		t.Errorf("LeadTimers = %v, %v; want none", ts, err)
	}
	if ts, err := s.DueTimers(ctx(t), t0.Add(1000*time.Hour), 10); err != nil || len(ts) != 0 {
		t.Errorf("DueTimers = %v, %v; want none", ts, err)
	}
	if err := s.DeleteTimers(ctx(t), []persistence.Timer{timer("x", t0)}); err != nil {
		t.Errorf("DeleteTimers(unknown): %v", err)
	}
}
