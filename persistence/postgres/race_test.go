package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
)

func raceCommit(lead, key string, version int64) persistence.Commit {
	return persistence.Commit{
		DedupKey:   key,
		Snapshot:   persistence.Snapshot{ClinicID: "c1", LeadID: lead, Version: version, State: []byte(`{}`)},
		Transcript: []persistence.TranscriptEntry{{ID: "tr-" + lead + "-" + key, Direction: "in", Author: "lead", Text: "hi"}},
	}
}

// holdCommit writes c in a transaction it leaves open, for the test to
// commit once another Apply waits on it.
func holdCommit(t *testing.T, s *Store, c persistence.Commit) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback(ctx) })
	b := &pgx.Batch{}
	queueCommit(b, c)
	var o outcome
	br := tx.SendBatch(ctx, b)
	if err := br.QueryRow().Scan(&o.wrote, &o.recorded, &o.seen); err != nil {
		t.Fatal(err)
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	if !o.wrote || !o.recorded {
		t.Fatalf("held commit not written: %+v", o)
	}
	return tx
}

// applyBlocked starts Apply(c), waits until it is blocked on a lock, then
// commits held and returns Apply's result.
func applyBlocked(t *testing.T, s *Store, held pgx.Tx, c persistence.Commit) error {
	t.Helper()
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		res, err := s.Apply(ctx, []persistence.Commit{c})
		if err == nil {
			err = res[0]
		}
		done <- err
	}()
	waitForLock(t, s)
	if err := held.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return <-done
}

// waitForLock returns once an Apply statement waits on a lock.
func waitForLock(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		err := s.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%applied_messages%'`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Apply never waited on the held transaction")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestDuplicateWhileWaitingForRow: the same message applied by a
// transaction this one waited for is reported as a duplicate, not a
// conflict.
func TestDuplicateWhileWaitingForRow(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if res, err := s.Apply(ctx, []persistence.Commit{raceCommit("a", "k0", 0)}); err != nil || res[0] != nil {
		t.Fatalf("Apply = %v, %v", res, err)
	}
	held := holdCommit(t, s, raceCommit("a", "k1", 1))
	if err := applyBlocked(t, s, held, raceCommit("a", "k1", 1)); !errors.Is(err, persistence.ErrDuplicate) {
		t.Fatalf("Apply = %v, want ErrDuplicate", err)
	}
}

// TestDedupKeyRaceFallsBackToSavepoints: a key recorded concurrently for
// another conversation after this commit checked it makes the commit's parts
// disagree; Apply reruns the batch with savepoints, reports a duplicate and
// writes nothing for it while the batch's other commit applies.
func TestDedupKeyRaceFallsBackToSavepoints(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if res, err := s.Apply(ctx, []persistence.Commit{raceCommit("b", "b0", 0)}); err != nil || res[0] != nil {
		t.Fatalf("Apply = %v, %v", res, err)
	}
	for _, lead := range []string{"b", "c"} {
		send := persistence.Send{CommandID: "cmd-" + lead, ClinicID: "c1", LeadID: lead, Carrier: "telnyx", ProviderID: "prov-" + lead, Status: "sent"}
		if err := s.RecordSend(ctx, send); err != nil {
			t.Fatal(err)
		}
	}
	held := holdCommit(t, s, raceCommit("a", "shared", 0))
	done := make(chan []error, 1)
	go func() {
		res, err := s.Apply(ctx, []persistence.Commit{withExtras(raceCommit("c", "c0", 0)), withExtras(raceCommit("b", "shared", 1))})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	waitForLock(t, s)
	if err := held.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if len(res) != 2 || res[0] != nil || !errors.Is(res[1], persistence.ErrDuplicate) {
		t.Fatalf("Apply = %v, want [nil ErrDuplicate]", res)
	}
	if snap, err := s.LoadSnapshot(ctx, "c1", "b"); err != nil || snap.Version != 1 {
		t.Errorf("b = %+v, %v; want version 1", snap, err)
	}
	if _, err := s.LoadSnapshot(ctx, "c1", "c"); err != nil {
		t.Errorf("c not applied: %v", err)
	}
	if es, err := s.Transcript(ctx, "c1", "b", 0); err != nil || len(es) != 1 {
		t.Errorf("b transcript = %+v, %v; want 1 entry", es, err)
	}
	// The duplicate's timers, consent events and receipts were rolled back
	// with it; the other commit's were written.
	if ts, err := s.LeadTimers(ctx, "c1", "b"); err != nil || len(ts) != 0 {
		t.Errorf("b timers = %+v, %v; want none", ts, err)
	}
	if ts, err := s.LeadTimers(ctx, "c1", "c"); err != nil || len(ts) != 1 {
		t.Errorf("c timers = %+v, %v; want 1", ts, err)
	}
	if es, err := s.ConsentLedger(ctx, "c1", "+1555000b"); err != nil || len(es) != 0 {
		t.Errorf("b consent = %+v, %v; want none", es, err)
	}
	if es, err := s.ConsentLedger(ctx, "c1", "+1555000c"); err != nil || len(es) != 1 {
		t.Errorf("c consent = %+v, %v; want 1", es, err)
	}
	if send, err := s.LookupSend(ctx, "cmd-b"); err != nil || send.Status != "sent" {
		t.Errorf("b send = %+v, %v; want status sent", send, err)
	}
	if send, err := s.LookupSend(ctx, "cmd-c"); err != nil || send.Status != "delivered" {
		t.Errorf("c send = %+v, %v; want status delivered", send, err)
	}
}

// withExtras adds a timer, a consent event and a receipt for a send record
// named after the commit's lead.
func withExtras(c persistence.Commit) persistence.Commit {
	lead := c.Snapshot.LeadID
	c.Timers = []persistence.Timer{{ID: "t-" + lead, Kind: "follow_up", DueAt: time.Now().Add(time.Hour)}}
	c.Consent = []persistence.ConsentEvent{{Phone: "+1555000" + lead, Kind: "revoked", Source: "inbound_text"}}
	c.Deliveries = []persistence.Delivery{{ProviderID: "prov-" + lead, Status: "delivered"}}
	return c
}
