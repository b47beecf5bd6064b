package postgres

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/migrations"
	"github.com/medspa/engine/persistence/pgtest"
	"github.com/medspa/engine/persistence/storetest"
)

func newStore(t testing.TB) *Store {
	t.Helper()
	url, schema := pgtest.NewSchema(t)
	s, err := Open(context.Background(), url, Options{Schema: schema})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	pgtest.BaseURL(t)
	storetest.Run(t, func(t *testing.T) persistence.Store { return newStore(t) })
}

func TestBulkContract(t *testing.T) {
	pgtest.BaseURL(t)
	storetest.RunBulk(t, func(t *testing.T) persistence.Store { return newStore(t) })
}

// TestContractSavepoints runs the suite on the savepoint path Apply falls
// back to when a commit races on a dedup key.
func TestContractSavepoints(t *testing.T) {
	pgtest.BaseURL(t)
	storetest.Run(t, func(t *testing.T) persistence.Store {
		s := newStore(t)
		s.savepoints = true
		return s
	})
}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	url, schema := pgtest.NewSchema(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = Migrate(ctx, url, Options{Schema: schema}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}
	if err := Migrate(ctx, url, Options{Schema: schema}); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	all, err := migrations.Postgres()
	if err != nil {
		t.Fatal(err)
	}
	if n != len(all) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(all))
	}
}

func TestOpenCreatesSchema(t *testing.T) {
	url, schema := pgtest.NewSchema(t)
	inner := schema + "_inner"
	ctx := context.Background()
	s, err := Open(ctx, url, Options{Schema: inner})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Cleanup(func() {
		if _, err := pgxExec(ctx, url, "DROP SCHEMA "+pgx.Identifier{inner}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop %s: %v", inner, err)
		}
	})
	var current string
	if err := s.Pool().QueryRow(ctx, "SELECT current_schema()").Scan(&current); err != nil {
		t.Fatal(err)
	}
	if current != inner {
		t.Errorf("current_schema() = %q, want %q", current, inner)
	}
}

func TestOpenFailsWhenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5e9)
	defer cancel()
	if s, err := Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", Options{}); err == nil {
		s.Close()
		t.Fatal("Open of an unreachable database succeeded")
	}
}

func pgxExec(ctx context.Context, url, sql string) (int64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	tag, err := conn.Exec(ctx, sql)
	return tag.RowsAffected(), err
}

// TestConsentLedgerIsAppendOnly: the database refuses to change or delete
// a consent event.
func TestConsentLedgerIsAppendOnly(t *testing.T) {
	s := newStore(t)
	storetest.ConsentLedgerIsAppendOnly(t, s, func(ctx context.Context, sql string) error {
		_, err := s.pool.Exec(ctx, sql)
		return err
	})
}
