package postgres

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/pgtest"
)

// TestRejectedClasses: what Postgres refuses for its content (classes 22
// and 23) is ErrRejected, what a retry can get past is not.
func TestRejectedClasses(t *testing.T) {
	for code, want := range map[string]bool{
		"22021": true,  // character not in repertoire (a NUL in text)
		"22008": true,  // datetime field overflow
		"23505": true,  // unique violation
		"40001": false, // serialization failure
		"40P01": false, // deadlock
		"57P01": false, // admin shutdown
		"08006": false, // connection failure
	} {
		err := rejected(&pgconn.PgError{Code: code})
		if got := errors.Is(err, persistence.ErrRejected); got != want {
			t.Errorf("SQLSTATE %s: rejected = %v, want %v", code, got, want)
		}
	}
	if err := rejected(context.DeadlineExceeded); errors.Is(err, persistence.ErrRejected) {
		t.Error("a timeout is rejected")
	}
}

// TestRejectedByTheServer: the error the server really returns for a NUL
// character in text is recognised.
func TestRejectedByTheServer(t *testing.T) {
	pgtest.BaseURL(t)
	s := newStore(t)
	_, err := s.Pool().Exec(context.Background(), "SELECT $1::text", "a\x00b")
	if err == nil {
		t.Fatal("Postgres took a NUL character in text")
	}
	if !errors.Is(rejected(err), persistence.ErrRejected) {
		t.Errorf("%v is not ErrRejected", err)
	}
}
