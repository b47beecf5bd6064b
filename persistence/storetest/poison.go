package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

// testTextCleaned: text with a NUL character or bytes that are not UTF-8
// (which a Postgres text column refuses) is stored without them, by both
// stores alike, instead of failing the commit; a filter holding them finds
// what was stored.
func testTextCleaned(t *testing.T, s persistence.Store) {
	c := commit("c1", "a", 0, "k\x001", t0)
	c.Snapshot.Name = "Ada\x00 Love\xfflace"
	c.Transcript[0].Text = "Botox\x00 on Friday?\x00"
	c.Transcript[0].Author = "staff:\x00ann"
	c.Consent = []persistence.ConsentEvent{{Kind: "granted", Source: "web_form", Text: "I agree\x00"}}
	c.Timers = []persistence.Timer{{ID: "follow\x00-up", Kind: "follow-up", DueAt: t0.Add(time.Hour)}}
	mustApply(t, s, c)

	snap := load(t, s, "c1", "a")
	if snap.Name != "Ada Love\uFFFDlace" {
		t.Errorf("name = %q, want the NUL removed and the bad byte replaced", snap.Name)
	}
	tr, err := s.Transcript(ctx(t), "c1", "a", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr) != 1 || tr[0].Text != "Botox on Friday?" || tr[0].Author != "staff:ann" || tr[0].ID != "tr-k1" {
		t.Errorf("transcript = %+v", tr)
	}
	if got := consentLedger(t, s, "c1", "+15550000000"); len(got) != 1 || got[0].Text != "I agree" {
		t.Errorf("consent ledger = %+v", got)
	}
	timers, err := s.LeadTimers(ctx(t), "c1", "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(timers) != 1 || timers[0].ID != "follow-up" {
		t.Errorf("timers = %+v", timers)
	}
	// The dedup key is cleaned the same way every time: the same message
	// again is a duplicate.
	again := commit("c1", "a", 1, "k\x001", t0)
	wantResults(t, apply(t, s, again), persistence.ErrDuplicate)

	page, err := s.ListConversations(ctx(t), persistence.ConversationQuery{ClinicID: "c1", Text: "ada\x00", Limit: 10})
	if err != nil {
		t.Fatalf("a filter with a NUL character: %v", err)
	}
	if len(page.Items) != 1 {
		t.Errorf("a filter with a NUL character found %d conversations, want 1", len(page.Items))
	}
}

// testRejected: a commit the store cannot hold (here a time past the year
// 9999) fails its batch with ErrRejected and writes nothing; applied alone,
// the batch's other commits are written.
func testRejected(t *testing.T, s persistence.Store) {
	good := commit("c1", "a", 0, "k1", t0)
	bad := commit("c1", "b", 0, "k2", t0)
	bad.Timers = []persistence.Timer{{ID: "reminder", Kind: "reminder", DueAt: time.Date(12026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	_, err := s.Apply(ctx(t), []persistence.Commit{good, bad})
	if !errors.Is(err, persistence.ErrRejected) {
		t.Fatalf("Apply with a time out of range: err = %v, want ErrRejected", err)
	}
	for _, lead := range []string{"a", "b"} {
		if _, err := s.LoadSnapshot(ctx(t), "c1", lead); !errors.Is(err, persistence.ErrNotFound) {
			t.Errorf("after a rejected batch, snapshot %s: %v, want ErrNotFound", lead, err)
		}
	}
	mustApply(t, s, good)
	if _, err := s.Apply(ctx(t), []persistence.Commit{bad}); !errors.Is(err, persistence.ErrRejected) {
		t.Errorf("the rejected commit alone: err = %v, want ErrRejected", err)
	}
}

// testConversationsByPhase: the count follows every write, per clinic and
// phase.
func testConversationsByPhase(t *testing.T, s persistence.Store) {
	count := func() []persistence.PhaseCount {
		t.Helper()
		got, err := s.ConversationsByPhase(ctx(t))
		if err != nil {
			t.Fatalf("ConversationsByPhase: %v", err)
		}
		return got
	}
	if got := count(); len(got) != 0 {
		t.Fatalf("empty store: %+v", got)
	}
	write := func(clinic, lead string, version int64, key, phase string) {
		t.Helper()
		c := commit(clinic, lead, version, key, t0)
		c.Snapshot.Phase = phase
		mustApply(t, s, c)
	}
	write("c1", "a", 0, "k1", "new")
	write("c1", "b", 0, "k2", "new")
	write("c1", "c", 0, "k3", "offering")
	write("c2", "a", 0, "k4", "new")
	write("c1", "a", 1, "k5", "offering") // a moves on
	write("c1", "b", 1, "k6", "new")      // b stays
	// A conflicting write changes nothing.
	stale := commit("c1", "c", 0, "k7", t0)
	stale.Snapshot.Phase = "booked"
	wantResults(t, apply(t, s, stale), persistence.ErrVersionConflict)

	want := []persistence.PhaseCount{{ClinicID: "c1", Phase: "new", N: 1}, {ClinicID: "c1", Phase: "offering", N: 2},
		{ClinicID: "c2", Phase: "new", N: 1}}
	if got := count(); !slices.Equal(got, want) {
		t.Errorf("ConversationsByPhase = %+v, want %+v", got, want)
	}
}
