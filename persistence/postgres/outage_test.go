package postgres

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/pgtest"
)

// outageStore is a store whose connections go through a proxy the test
// cuts, and whose application_name names its schema, so that its server
// connections can be terminated.
func outageStore(t *testing.T) (s *Store, px *testkit.Proxy, base, schema string) {
	t.Helper()
	base, schema = pgtest.NewSchema(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	px = testkit.NewProxy(t, u.Host)
	u.Host = px.Addr()
	q := u.Query()
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	s, err = Open(context.Background(), u.String(), Options{Schema: schema})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, px, base, schema
}

// reads are store calls the staff routes and the timer loop make.
func reads(s *Store) map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"LoadSnapshot": func(ctx context.Context) error { _, err := s.LoadSnapshot(ctx, "c1", "ld_1"); return err },
		"ListConversations": func(ctx context.Context) error {
			_, err := s.ListConversations(ctx, persistence.ConversationQuery{ClinicID: "c1", Limit: 10})
			return err
		},
		"LoadClinicSettings": func(ctx context.Context) error { _, err := s.LoadClinicSettings(ctx, "c1"); return err },
		"DueTimers": func(ctx context.Context) error {
			_, err := s.DueTimers(ctx, time.Date(2026, 12, 8, 14, 0, 0, 0, time.UTC), 10)
			return err
		},
		"Ping": func(ctx context.Context) error { return s.Ping(ctx) },
	}
}

// A database that cannot be reached answers with errors Unavailable
// recognises, whatever the way it went: connections cut in the middle of a
// session, connections refused, connections the server terminates. And
// the store works again once the database is back.
func TestOutageErrorsAreUnavailable(t *testing.T) {
	ctx := context.Background()
	s, px, base, schema := outageStore(t)
	for name, read := range reads(s) {
		if err := read(ctx); err != nil && !errors.Is(err, persistence.ErrNotFound) {
			t.Fatalf("%s before the outage: %v", name, err)
		}
	}

	px.Cut()
	for round := range 3 { // idle connections broken first, then refused
		for name, read := range reads(s) {
			c, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := read(c)
			cancel()
			if err == nil || !persistence.Unavailable(err) {
				t.Errorf("round %d, %s with the database cut off: %v, want an unavailable store", round, name, err)
			}
		}
	}

	px.Restore()
	for name, read := range reads(s) {
		if err := read(ctx); err != nil && !errors.Is(err, persistence.ErrNotFound) {
			t.Fatalf("%s after the outage: %v", name, err)
		}
	}

	// The server terminates the store's connections (a shutdown) right
	// after a read, so the pool hands the next read a terminated one.
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := s.LoadSnapshot(ctx, "c1", "ld_1"); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("LoadSnapshot: %v", err)
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", schema).Scan(&n); err != nil || n == 0 {
		t.Fatalf("terminate the store's connections: %d, %v", n, err)
	}
	_, err = s.LoadSnapshot(ctx, "c1", "ld_1")
	if err == nil || !persistence.Unavailable(err) {
		t.Errorf("LoadSnapshot on a terminated connection: %v, want an unavailable store", err)
	}
}
