package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func testApplyCreatesSnapshot(t *testing.T, s persistence.Store) {
	c := commit("c1", "l1", 0, "k1", t0)
	c.Snapshot.CreatedAt = t0.Add(-time.Hour)
	c.Transcript = append(c.Transcript, persistence.TranscriptEntry{
		ID: "tr-k1-reply", Direction: "out", Author: "engine", Text: "hello", At: t0.Add(time.Second),
	})
	mustApply(t, s, c)

	want := c.Snapshot
	want.Version = 1
	sameSnapshot(t, load(t, s, "c1", "l1"), want)

	es, err := s.Transcript(ctx(t), "c1", "l1", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 {
		t.Fatalf("transcript has %d entries, want 2", len(es))
	}
	for i, e := range es {
		w := c.Transcript[i]
		if e.ID != w.ID || e.ClinicID != "c1" || e.LeadID != "l1" || e.Direction != w.Direction ||
			e.Author != w.Author || e.Text != w.Text || !e.At.Equal(us(w.At)) {
			t.Errorf("transcript[%d] = %+v, want %+v", i, e, w)
		}
	}
	rows, err := s.PendingOutbox(ctx(t), t0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("outbox has %d rows, want 1", len(rows))
	}
	if o := rows[0]; o.ID != "ob-k1" || o.Subject != "subj.k1" || string(o.Payload) != "payload k1" || !o.Created.Equal(us(t0)) {
		t.Errorf("outbox row = %+v", o)
	}
}

func testApplyDefaultsTimes(t *testing.T, s persistence.Store) {
	c := commit("c1", "l1", 0, "k1", time.Time{})
	c.Transcript[0].At = time.Time{}
	c.Outbox[0].Created = time.Time{}
	before := time.Now().Add(-time.Second)
	mustApply(t, s, c)
	after := time.Now().Add(time.Second)

	snap := load(t, s, "c1", "l1")
	if snap.UpdatedAt.Before(before) || snap.UpdatedAt.After(after) || !snap.CreatedAt.Equal(snap.UpdatedAt) {
		t.Errorf("defaulted times: created %v updated %v, want now", snap.CreatedAt, snap.UpdatedAt)
	}
	es, err := s.Transcript(ctx(t), "c1", "l1", 0)
	if err != nil || len(es) != 1 || !es[0].At.Equal(snap.UpdatedAt) {
		t.Errorf("transcript = %+v, %v; want At = %v", es, err, snap.UpdatedAt)
	}
	n, _, err := s.OutboxBacklog(ctx(t), after)
	if err != nil || n != 1 {
		t.Errorf("OutboxBacklog = %d, %v; want 1", n, err)
	}
}

func testLoadSnapshotNotFound(t *testing.T, s persistence.Store) {
	mustApply(t, s, commit("c1", "l1", 0, "k1", t0))
	for _, key := range [][2]string{{"c1", "l2"}, {"c2", "l1"}} {
		if _, err := s.LoadSnapshot(ctx(t), key[0], key[1]); !errors.Is(err, persistence.ErrNotFound) {
			t.Errorf("LoadSnapshot(%v) err = %v, want ErrNotFound", key, err)
		}
	}
}

func testApplyUpdates(t *testing.T, s persistence.Store) {
	mustApply(t, s, commit("c1", "l1", 0, "k1", t0))
	up := commit("c1", "l1", 1, "k2", t0.Add(time.Minute))
	up.Snapshot.Phone, up.Snapshot.Name = "+15551112222", "Renamed"
	mustApply(t, s, up)

	want := up.Snapshot
	want.Version, want.CreatedAt = 2, t0
	sameSnapshot(t, load(t, s, "c1", "l1"), want)
	wantStrings(t, "transcript", transcriptIDs(t, s, "c1", "l1", 0), "tr-k1", "tr-k2")
}

func testDuplicateWritesNothing(t *testing.T, s persistence.Store) {
	first := commit("c1", "l1", 0, "k1", t0)
	mustApply(t, s, first)
	before := load(t, s, "c1", "l1")

	again := commit("c1", "l1", 1, "k1", t0.Add(time.Minute)) // right version, old key
	again.Transcript[0].ID, again.Outbox[0].ID = "tr-other", "ob-other"
	recreate := commit("c1", "l1", 0, "k1", t0.Add(time.Minute)) // the first commit redelivered
	recreate.Transcript[0].ID, recreate.Outbox[0].ID = "tr-other2", "ob-other2"
	wantResults(t, apply(t, s, again), persistence.ErrDuplicate)
	wantResults(t, apply(t, s, recreate), persistence.ErrDuplicate)

	sameSnapshot(t, load(t, s, "c1", "l1"), before)
	wantStrings(t, "transcript", transcriptIDs(t, s, "c1", "l1", 0), "tr-k1")
	wantStrings(t, "outbox", outboxIDs(t, s), "ob-k1")
}

func testVersionConflictWritesNothing(t *testing.T, s persistence.Store) {
	mustApply(t, s, commit("c1", "l1", 0, "k1", t0))
	before := load(t, s, "c1", "l1")

	stale := commit("c1", "l1", 5, "k2", t0.Add(time.Minute))
	exists := commit("c1", "l1", 0, "k3", t0.Add(time.Minute))
	wantResults(t, apply(t, s, stale), persistence.ErrVersionConflict)
	wantResults(t, apply(t, s, exists), persistence.ErrVersionConflict)

	sameSnapshot(t, load(t, s, "c1", "l1"), before)
	wantStrings(t, "transcript", transcriptIDs(t, s, "c1", "l1", 0), "tr-k1")
	wantStrings(t, "outbox", outboxIDs(t, s), "ob-k1")

	// The failed commit's dedup key was not recorded: it applies once fixed.
	mustApply(t, s, commit("c1", "l1", 1, "k2", t0.Add(time.Minute)))
	if v := load(t, s, "c1", "l1").Version; v != 2 {
		t.Errorf("version = %d, want 2", v)
	}
}

func testConflictOnMissing(t *testing.T, s persistence.Store) {
	wantResults(t, apply(t, s, commit("c1", "l1", 1, "k1", t0)), persistence.ErrVersionConflict)
	if _, err := s.LoadSnapshot(ctx(t), "c1", "l1"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("LoadSnapshot err = %v, want ErrNotFound", err)
	}
	wantStrings(t, "outbox", outboxIDs(t, s))
}

func testBatchIsolatesFailures(t *testing.T, s persistence.Store) {
	mustApply(t, s,
		commit("c1", "a", 0, "a1", t0), commit("c1", "b", 0, "b1", t0),
		commit("c1", "c", 0, "c1", t0), commit("c1", "d", 0, "d1", t0))
	bBefore := load(t, s, "c1", "b")
	dBefore := load(t, s, "c1", "d")

	at := t0.Add(time.Minute)
	res := apply(t, s,
		commit("c1", "a", 1, "a2", at),
		commit("c1", "b", 7, "b2", at), // stale version
		commit("c1", "c", 1, "c2", at),
		commit("c1", "d", 1, "a1", at), // applied before
	)
	wantResults(t, res, nil, persistence.ErrVersionConflict, nil, persistence.ErrDuplicate)

	for _, lead := range []string{"a", "c"} {
		if v := load(t, s, "c1", lead).Version; v != 2 {
			t.Errorf("%s: version = %d, want 2", lead, v)
		}
	}
	sameSnapshot(t, load(t, s, "c1", "b"), bBefore)
	sameSnapshot(t, load(t, s, "c1", "d"), dBefore)
	wantStrings(t, "transcript b", transcriptIDs(t, s, "c1", "b", 0), "tr-b1")
	wantStrings(t, "transcript c", transcriptIDs(t, s, "c1", "c", 0), "tr-c1", "tr-c2")
	wantStrings(t, "outbox", outboxIDs(t, s), "ob-a1", "ob-b1", "ob-c1", "ob-d1", "ob-a2", "ob-c2")
}

func testBatchSequence(t *testing.T, s persistence.Store) {
	res := apply(t, s,
		commit("c1", "x", 0, "x1", t0),
		commit("c1", "x", 1, "x2", t0.Add(time.Second)),
		commit("c1", "x", 2, "x1", t0.Add(2*time.Second)), // same key earlier in the batch
		commit("c1", "x", 1, "x3", t0.Add(3*time.Second)), // version taken earlier in the batch
	)
	wantResults(t, res, nil, nil, persistence.ErrDuplicate, persistence.ErrVersionConflict)
	snap := load(t, s, "c1", "x")
	if snap.Version != 2 || snap.Phase != "phase-x2" {
		t.Errorf("snapshot version %d phase %q, want 2 phase-x2", snap.Version, snap.Phase)
	}
	wantStrings(t, "transcript", transcriptIDs(t, s, "c1", "x", 0), "tr-x1", "tr-x2")
}

func testEmptyBatch(t *testing.T, s persistence.Store) {
	res, err := s.Apply(ctx(t), nil)
	if err != nil || len(res) != 0 {
		t.Errorf("Apply(nil) = %v, %v; want no results", res, err)
	}
}

func testEmptyDedupKey(t *testing.T, s persistence.Store) {
	a := commit("c1", "l1", 0, "", t0)
	b := commit("c1", "l1", 1, "", t0.Add(time.Second))
	b.Transcript[0].ID, b.Outbox[0].ID = "tr-second", "ob-second"
	mustApply(t, s, a)
	mustApply(t, s, b)
	if v := load(t, s, "c1", "l1").Version; v != 2 {
		t.Errorf("version = %d, want 2", v)
	}
	wantResults(t, apply(t, s, commit("c1", "l1", 1, "", t0)), persistence.ErrVersionConflict)
}

const racers = 8

// race runs racers appliers at once, each with its own commit, and returns
// their results.
func race(t *testing.T, s persistence.Store, mk func(i int) persistence.Commit) []error {
	t.Helper()
	results := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		c := mk(i)
		wg.Go(func() {
			<-start
			res, err := s.Apply(ctx(t), []persistence.Commit{c})
			if err != nil {
				results[i] = err
				return
			}
			results[i] = res[0]
		})
	}
	close(start)
	wg.Wait()
	return results
}

// oneWinner checks exactly one result is nil and the others are loss.
func oneWinner(t *testing.T, results []error, loss error) int {
	t.Helper()
	winner := -1
	for i, r := range results {
		switch {
		case r == nil && winner < 0:
			winner = i
		case r == nil:
			t.Errorf("racers %d and %d both won", winner, i)
		case !errors.Is(r, loss):
			t.Errorf("racer %d: %v, want %v", i, r, loss)
		}
	}
	if winner < 0 {
		t.Fatalf("no racer won: %v", results)
	}
	return winner
}

func testConcurrentUpdaters(t *testing.T, s persistence.Store) {
	mustApply(t, s, commit("c1", "l1", 0, "k0", t0))
	w := oneWinner(t, race(t, s, func(i int) persistence.Commit {
		return commit("c1", "l1", 1, fmt.Sprintf("k%d", i+1), t0.Add(time.Minute))
	}), persistence.ErrVersionConflict)
	snap := load(t, s, "c1", "l1")
	winKey := fmt.Sprintf("k%d", w+1)
	if snap.Version != 2 || snap.Phase != "phase-"+winKey {
		t.Errorf("snapshot version %d phase %q, want 2 phase-%s", snap.Version, snap.Phase, winKey)
	}
	wantStrings(t, "transcript", transcriptIDs(t, s, "c1", "l1", 0), "tr-k0", "tr-"+winKey)
	wantStrings(t, "outbox", outboxIDs(t, s), "ob-k0", "ob-"+winKey)
}

func testConcurrentCreators(t *testing.T, s persistence.Store) {
	w := oneWinner(t, race(t, s, func(i int) persistence.Commit {
		return commit("c1", "l1", 0, fmt.Sprintf("k%d", i), t0)
	}), persistence.ErrVersionConflict)
	winKey := fmt.Sprintf("k%d", w)
	snap := load(t, s, "c1", "l1")
	if snap.Version != 1 || snap.Phase != "phase-"+winKey {
		t.Errorf("snapshot version %d phase %q, want 1 phase-%s", snap.Version, snap.Phase, winKey)
	}
	wantStrings(t, "transcript", transcriptIDs(t, s, "c1", "l1", 0), "tr-"+winKey)
	wantStrings(t, "outbox", outboxIDs(t, s), "ob-"+winKey)
}

func testConcurrentDuplicates(t *testing.T, s persistence.Store) {
	mustApply(t, s, commit("c1", "l1", 0, "k0", t0))
	oneWinner(t, race(t, s, func(int) persistence.Commit {
		return commit("c1", "l1", 1, "k1", t0.Add(time.Minute))
	}), persistence.ErrDuplicate)
	if v := load(t, s, "c1", "l1").Version; v != 2 {
		t.Errorf("version = %d, want 2", v)
	}
	wantStrings(t, "transcript", transcriptIDs(t, s, "c1", "l1", 0), "tr-k0", "tr-k1")
}
