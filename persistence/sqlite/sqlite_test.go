package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/migrations"
	"github.com/medspa/engine/persistence/storetest"
)

func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) persistence.Store { return newStore(t) })
}

func BenchmarkApply(b *testing.B) {
	storetest.BenchApply(b, func(b *testing.B) persistence.Store { return newStore(b) })
}

func TestDataSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := persistence.Commit{DedupKey: "k1", Snapshot: persistence.Snapshot{ClinicID: "c1", LeadID: "l1", State: []byte("{}")}}
	if res, err := s.Apply(ctx, []persistence.Commit{c}); err != nil || res[0] != nil {
		t.Fatalf("Apply = %v, %v", res, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if snap, err := s.LoadSnapshot(ctx, "c1", "l1"); err != nil || snap.Version != 1 {
		t.Fatalf("LoadSnapshot after reopen = %+v, %v", snap, err)
	}
	if res, err := s.Apply(ctx, []persistence.Commit{c}); err != nil || res[0] != persistence.ErrDuplicate {
		t.Fatalf("Apply after reopen = %v, %v; want ErrDuplicate", res, err)
	}
}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = Migrate(ctx, dir, Options{}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	all, err := migrations.SQLite()
	if err != nil {
		t.Fatal(err)
	}
	if n != len(all) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(all))
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
}

// TestConsentLedgerIsAppendOnly: the database refuses to change or delete
// a consent event.
func TestConsentLedgerIsAppendOnly(t *testing.T) {
	s := newStore(t)
	storetest.ConsentLedgerIsAppendOnly(t, s, func(ctx context.Context, sql string) error {
		_, err := s.w.ExecContext(ctx, sql)
		return err
	})
}

func TestBulkContract(t *testing.T) {
	storetest.RunBulk(t, func(t *testing.T) persistence.Store { return newStore(t) })
}
