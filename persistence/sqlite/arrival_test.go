package sqlite

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/migrations"
)

// Migration 0009 moves the conversations stored before it into the table
// in arrival order: every row, column and version survives, the lead's key
// stays unique, and the table is no longer clustered on the lead's key.
func TestMigrationKeepsConversationsInArrivalOrder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := openWriter(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	all, err := migrations.SQLite()
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
	for _, m := range all {
		if m.Version >= 9 {
			break
		}
		exec(m.SQL)
		exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)", m.Version, m.Name)
	}
	t0 := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
	for i, lead := range []string{"zz", "aa", "mm"} {
		at := t0.Add(time.Duration(i) * time.Minute).UnixMicro()
		exec(`INSERT INTO conversations (clinic_id, lead_id, phone, name, phase, has_booking, version, state, created_at, updated_at)
			VALUES ('c1', ?, '+15550000000', ?, 'engaged', ?, 3, ?, ?, ?)`, lead, "Lead "+lead, lead == "mm", `{"lead":"`+lead+`"}`, at, at)
	}
	w.Close()

	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatalf("Open (migrates): %v", err)
	}
	defer s.Close()
	var table string
	if err := s.w.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'conversations'").Scan(&table); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToUpper(table), "WITHOUT ROWID") {
		t.Errorf("conversations is still clustered on the lead: %s", table)
	}
	for i, lead := range []string{"zz", "aa", "mm"} {
		sn, err := s.LoadSnapshot(ctx, "c1", lead)
		if err != nil {
			t.Fatalf("LoadSnapshot %s: %v", lead, err)
		}
		if sn.Version != 3 || sn.Name != "Lead "+lead || sn.Phase != "engaged" || sn.HasBooking != (lead == "mm") ||
			string(sn.State) != `{"lead":"`+lead+`"}` || !sn.CreatedAt.Equal(t0.Add(time.Duration(i)*time.Minute)) {
			t.Errorf("%s after the migration: %+v", lead, sn)
		}
	}
	next := persistence.Commit{DedupKey: "k-next", Snapshot: persistence.Snapshot{ClinicID: "c1", LeadID: "aa",
		Phone: "+15550000000", Name: "Lead aa", Phase: "offered", Version: 3, State: []byte(`{}`), UpdatedAt: t0.Add(time.Hour)}}
	again := next
	again.DedupKey, again.Snapshot.Version = "k-again", 0 // a second first snapshot of the same lead
	res, err := s.Apply(ctx, []persistence.Commit{next, again})
	if err != nil {
		t.Fatal(err)
	}
	if res[0] != nil || !errors.Is(res[1], persistence.ErrVersionConflict) {
		t.Errorf("Apply after the migration = %v, want [nil, version conflict]", res)
	}
}
