package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

// RunBulk runs the contract of persistence.BulkLoader. It fails when the
// store does not implement it.
func RunBulk(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, persistence.Store, persistence.BulkLoader)
	}{
		{"LoadsWhatApplyWrites", testBulkLoadsWhatApplyWrites},
		{"ApplyContinuesLoaded", testBulkThenApply},
		{"LoadsMany", testBulkLoadsMany},
		{"FailedLoadWritesNothing", testBulkFailedLoadWritesNothing},
		{"EmptyLoad", testBulkEmpty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			bl, ok := s.(persistence.BulkLoader)
			if !ok {
				t.Fatalf("%T does not implement persistence.BulkLoader", s)
			}
			tc.fn(t, s, bl)
		})
	}
}

// bulkCommits creates three conversations of clinic: l1 with an explicit
// creation time and two transcript entries, the second without a time; l2
// without a creation time or state, with a booking, on its own number; l3
// without a transcript, on l1's number. Only dedup keys and transcript ids
// name the clinic.
func bulkCommits(clinic string) []persistence.Commit {
	l1 := commit(clinic, "l1", 0, clinic+"-k1", t0)
	l1.Snapshot.CreatedAt = t0.Add(-time.Hour)
	l1.Transcript = append(l1.Transcript, persistence.TranscriptEntry{
		ID: "tr-" + clinic + "-k1-reply", Direction: "out", Author: "engine", Text: "hello",
	})
	l2 := commit(clinic, "l2", 0, clinic+"-k2", t0.Add(time.Minute))
	l2.Snapshot.Phone, l2.Snapshot.State, l2.Snapshot.HasBooking = "+15550000002", nil, true
	l3 := commit(clinic, "l3", 0, clinic+"-k3", t0.Add(2*time.Minute))
	l3.Transcript = nil
	cs := []persistence.Commit{l1, l2, l3}
	for i := range cs {
		c := &cs[i]
		c.Outbox = nil
		c.Snapshot.Phase = fmt.Sprintf("phase-%d", i+1)
		if c.Snapshot.State != nil {
			c.Snapshot.State = fmt.Appendf(nil, `{"lead":%d}`, i+1)
		}
		for j := range c.Transcript {
			c.Transcript[j].Text = fmt.Sprintf("text %d.%d", i+1, j)
		}
	}
	return cs
}

func bulkLoad(t *testing.T, bl persistence.BulkLoader, cs ...persistence.Commit) {
	t.Helper()
	if err := bl.BulkLoad(ctx(t), cs); err != nil {
		t.Fatalf("BulkLoad: %v", err)
	}
}

// testBulkLoadsWhatApplyWrites loads conversations of one clinic and
// applies the same ones to another: every read sees the same rows.
func testBulkLoadsWhatApplyWrites(t *testing.T, s persistence.Store, bl persistence.BulkLoader) {
	mustApply(t, s, bulkCommits("applied")...)
	loaded := bulkCommits("loaded")
	// Not written by a bulk load.
	loaded[0].Outbox = []persistence.OutboxRow{{ID: "ob-loaded", Subject: "subj", Payload: []byte("p"), Created: t0}}
	loaded[0].Timers = []persistence.Timer{timer("t1", t0)}
	loaded[0].Consent = []persistence.ConsentEvent{{Kind: "granted", Source: "web_form", Text: "yes"}}
	bulkLoad(t, bl, loaded...)

	want := loaded[0].Snapshot
	want.Version = 1
	sameSnapshot(t, load(t, s, "loaded", "l1"), want)
	for _, lead := range []string{"l1", "l2", "l3"} {
		applied := load(t, s, "applied", lead)
		applied.ClinicID = "loaded"
		sameSnapshot(t, load(t, s, "loaded", lead), applied)
		sameTranscripts(t, s, lead)
	}
	for _, q := range []persistence.ConversationQuery{{Limit: 10}, {Phone: "+15550000000", Limit: 10}, {Limit: 1}} {
		q.ClinicID = "applied"
		ap, err := s.ListConversations(ctx(t), q)
		if err != nil {
			t.Fatalf("ListConversations(applied): %v", err)
		}
		q.ClinicID = "loaded"
		lo, err := s.ListConversations(ctx(t), q)
		if err != nil {
			t.Fatalf("ListConversations(loaded): %v", err)
		}
		if len(lo.Items) != len(ap.Items) || (lo.NextCursor == "") != (ap.NextCursor == "") {
			t.Fatalf("query %+v: %d items (next %q), want %d (next %q)", q, len(lo.Items), lo.NextCursor, len(ap.Items), ap.NextCursor)
		}
		for i, a := range ap.Items {
			a.ClinicID = "loaded"
			sameSnapshot(t, lo.Items[i], a)
		}
	}
	wantStrings(t, "outbox", outboxIDs(t, s))
	if ts := leadTimers(t, s, "loaded", "l1"); len(ts) != 0 {
		t.Errorf("timers = %+v, want none", ts)
	}
	if es, err := s.ConsentLedger(ctx(t), "loaded", "+15550000000"); err != nil || len(es) != 0 {
		t.Errorf("consent ledger = %+v, %v; want empty", es, err)
	}
}

// sameTranscripts compares a lead's transcript in clinic "loaded" with the
// one in clinic "applied", entry ids compared without the clinic.
func sameTranscripts(t *testing.T, s persistence.Store, lead string) {
	t.Helper()
	ap, err := s.Transcript(ctx(t), "applied", lead, 0)
	if err != nil {
		t.Fatalf("Transcript(applied): %v", err)
	}
	lo, err := s.Transcript(ctx(t), "loaded", lead, 0)
	if err != nil {
		t.Fatalf("Transcript(loaded): %v", err)
	}
	if len(lo) != len(ap) {
		t.Fatalf("%s: transcript has %d entries, want %d", lead, len(lo), len(ap))
	}
	for i, a := range ap {
		l := lo[i]
		if strings.Replace(l.ID, "loaded", "", 1) != strings.Replace(a.ID, "applied", "", 1) || l.ClinicID != "loaded" ||
			l.LeadID != a.LeadID || l.Direction != a.Direction || l.Author != a.Author || l.Text != a.Text ||
			!l.At.Equal(a.At) || l.Status != a.Status {
			t.Errorf("%s: transcript[%d] = %+v, want %+v", lead, i, l, a)
		}
	}
}

// testBulkThenApply: loaded conversations are at version 1, their dedup
// keys are applied, and Apply carries on from there.
func testBulkThenApply(t *testing.T, s persistence.Store, bl persistence.BulkLoader) {
	loaded := bulkCommits("c1")
	bulkLoad(t, bl, loaded...)

	up := commit("c1", "l1", 1, "c1-k4", t0.Add(time.Hour))
	mustApply(t, s, up)
	want := up.Snapshot
	want.Version, want.CreatedAt = 2, loaded[0].Snapshot.CreatedAt
	sameSnapshot(t, load(t, s, "c1", "l1"), want)
	wantStrings(t, "transcript", transcriptIDs(t, s, "c1", "l1", 0), "tr-c1-k1", "tr-c1-k1-reply", "tr-c1-k4")

	res := apply(t, s,
		commit("c1", "l2", 1, "c1-k2", t0.Add(time.Hour)), // l2's own key again
		commit("c1", "l3", 1, "c1-k1", t0.Add(time.Hour)), // l1's key
		commit("c1", "l2", 0, "c1-k5", t0.Add(time.Hour)), // l2 exists
		commit("c1", "l3", 2, "c1-k6", t0.Add(time.Hour)), // l3 is at version 1
	)
	wantResults(t, res, persistence.ErrDuplicate, persistence.ErrDuplicate, persistence.ErrVersionConflict, persistence.ErrVersionConflict)
	for _, c := range loaded[1:] {
		want := c.Snapshot
		want.Version = 1
		if want.CreatedAt.IsZero() {
			want.CreatedAt = want.UpdatedAt
		}
		sameSnapshot(t, load(t, s, "c1", c.Snapshot.LeadID), want)
	}
	items, _ := walk(t, s, persistence.ConversationQuery{ClinicID: "c1", Limit: 2})
	leads := make([]string, len(items))
	for i, it := range items {
		leads[i] = it.LeadID
	}
	wantStrings(t, "conversations", leads, "l1", "l3", "l2")
}

// testBulkLoadsMany loads a few hundred conversations, given in an order
// other than their keys', and reads every one back.
func testBulkLoadsMany(t *testing.T, s persistence.Store, bl persistence.BulkLoader) {
	const n = 251
	cs := make([]persistence.Commit, n)
	for i := range cs {
		cs[i] = commit("c1", fmt.Sprintf("l%03d", i), 0, fmt.Sprintf("k%03d", i), t0.Add(time.Duration(i)*time.Second))
	}
	given := slices.Clone(cs)
	slices.Reverse(given)
	bulkLoad(t, bl, given...)
	items, _ := walk(t, s, persistence.ConversationQuery{ClinicID: "c1", Limit: 200})
	if len(items) != n {
		t.Fatalf("%d conversations, want %d", len(items), n)
	}
	for i, it := range items {
		want := cs[n-1-i].Snapshot
		want.Version, want.CreatedAt = 1, want.UpdatedAt
		sameSnapshot(t, it, want)
	}
	for _, i := range []int{0, 99, 100, 250} {
		wantStrings(t, "transcript", transcriptIDs(t, s, "c1", fmt.Sprintf("l%03d", i), 0), fmt.Sprintf("tr-k%03d", i))
	}
	wantResults(t, apply(t, s, commit("c1", "l200", 1, "k250", t0.Add(time.Hour))), persistence.ErrDuplicate)
}

// testBulkFailedLoadWritesNothing: a load with a stored dedup key or
// conversation, or an update, fails as a whole.
func testBulkFailedLoadWritesNothing(t *testing.T, s persistence.Store, bl persistence.BulkLoader) {
	bulkLoad(t, bl, bulkCommits("c1")...)
	fresh := commit("c1", "l8", 0, "c1-k8", t0)
	for _, bad := range []struct {
		name string
		c    persistence.Commit
	}{
		{"stored dedup key", commit("c1", "l9", 0, "c1-k1", t0)},
		{"stored conversation", commit("c1", "l1", 0, "c1-k9", t0.Add(time.Hour))},
		{"update", commit("c1", "l1", 1, "c1-k9", t0.Add(time.Hour))},
	} {
		if err := bl.BulkLoad(ctx(t), []persistence.Commit{fresh, bad.c}); err == nil {
			t.Errorf("%s: BulkLoad succeeded", bad.name)
		}
	}
	for _, lead := range []string{"l8", "l9"} {
		if _, err := s.LoadSnapshot(ctx(t), "c1", lead); !errors.Is(err, persistence.ErrNotFound) {
			t.Errorf("LoadSnapshot(%s) err = %v, want ErrNotFound", lead, err)
		}
		wantStrings(t, lead+" transcript", transcriptIDs(t, s, "c1", lead, 0))
	}
	if snap := load(t, s, "c1", "l1"); snap.Version != 1 || snap.Phase != "phase-1" {
		t.Errorf("l1 = version %d phase %q, want 1 phase-1", snap.Version, snap.Phase)
	}
	wantStrings(t, "l1 transcript", transcriptIDs(t, s, "c1", "l1", 0), "tr-c1-k1", "tr-c1-k1-reply")
	// The fresh commit's dedup key was not recorded either.
	mustApply(t, s, fresh)
}

func testBulkEmpty(t *testing.T, s persistence.Store, bl persistence.BulkLoader) {
	if err := bl.BulkLoad(ctx(t), nil); err != nil {
		t.Fatalf("BulkLoad(nil): %v", err)
	}
	items, _ := walk(t, s, persistence.ConversationQuery{ClinicID: "c1"})
	if len(items) != 0 {
		t.Errorf("%d conversations after an empty load", len(items))
	}
}
