package sqlite

import (
	"context"
	"errors"
	"testing"

	"github.com/medspa/engine/persistence"
)

// TestRejectedByTheDatabase: a statement SQLite refuses for its content
// is ErrRejected; one that fails for other reasons is not.
func TestRejectedByTheDatabase(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.w.ExecContext(ctx, "CREATE TEMP TABLE one (id TEXT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, "INSERT INTO one (id) VALUES ('a')"); err != nil {
		t.Fatal(err)
	}
	_, err := s.w.ExecContext(ctx, "INSERT INTO one (id) VALUES ('a')")
	if err == nil || !errors.Is(rejected(err), persistence.ErrRejected) {
		t.Errorf("a unique violation: %v, want ErrRejected", err)
	}
	_, err = s.w.ExecContext(ctx, "SELECT * FROM no_such_table")
	if err == nil || errors.Is(rejected(err), persistence.ErrRejected) {
		t.Errorf("a missing table: %v, want an error that is not ErrRejected", err)
	}
}
