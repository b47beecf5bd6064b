// Package sqlstore is what the two SQL stores, persistence/postgres and
// persistence/sqlite, share: the statements whose text is the same in both
// dialects, the scanning of their rows into the persistence types and the
// mapping of results to the store's answers (persistence.ErrNotFound,
// ErrDuplicate, ...): the methods of Store, which runs them on a store's
// own connections through DB. A store embeds Store and keeps to itself only
// what its dialect does differently.
//
// Parameters are written $1, $2, ...: Postgres's placeholders, which SQLite
// reads as numbered parameters, one number naming one value however often
// it appears. Times are passed as time.Time, which the SQLite store binds
// as the Unix microseconds its schema keeps, and scanned through asTime
// and asUnsetTime, which read a timestamptz and microseconds alike.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/medspa/engine/persistence"
)

// Store is the part of persistence.Store and persistence.Users whose
// statements both stores share, run on DB. A store embeds it and adds the
// methods its dialect does differently.
type Store struct {
	DB DB
	// Now is the clock of the times the store writes itself.
	Now func() time.Time
	// Rejected marks an error as persistence.ErrRejected when the database
	// refused a write for what it contains, and returns others as they are.
	Rejected func(error) error
}

// Row is one row of a result: a pgx.Row, an *sql.Row, or Rows at a row.
type Row interface {
	Scan(dest ...any) error
}

// Rows is a result set; pgx.Rows is one.
type Rows interface {
	Row
	Next() bool
	Err() error
	Close()
}

// DB runs statements: a store's connections, or one of its transactions.
type DB interface {
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Exec runs a statement and returns the number of rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Dialect is what the statements need to know of the database's SQL.
	Dialect() Dialect
}

// Dialect is what differs between the databases within statements that
// are otherwise the same.
type Dialect struct {
	// Lower is the SQL function that lower-cases every letter of a text,
	// as strings.ToLower does.
	Lower string
	// ByteOrder is the collation that orders text byte by byte.
	ByteOrder string
	// Unset is the value of a time column that is not set (a user's
	// disabled_at while enabled).
	Unset any
}

// all runs a query and scans every row with scan, wrapping any failure
// with op.
func all[T any](ctx context.Context, db DB, op string, scan func(Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// one runs a query of one row and scans it with scan:
// persistence.ErrNotFound when there is no row, other failures wrapped
// with op.
func one[T any](ctx context.Context, db DB, op string, scan func(Row) (T, error), query string, args ...any) (T, error) {
	v, err := scan(db.QueryRow(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) { // pgx.ErrNoRows is one too
		var zero T
		return zero, persistence.ErrNotFound
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s: %w", op, err)
	}
	return v, nil
}

// change runs a statement that must change a row: none when it changed
// nothing, failures wrapped with op.
func change(ctx context.Context, db DB, op string, none error, query string, args ...any) error {
	n, err := db.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n == 0 {
		return none
	}
	return nil
}

// exec runs a statement, wrapping a failure with op.
func exec(ctx context.Context, db DB, op string, query string, args ...any) error {
	if _, err := db.Exec(ctx, query, args...); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// asTime scans a time column into t, in UTC: a timestamptz (Postgres) or
// Unix microseconds (SQLite). NULL (an aggregate of no rows) leaves t zero.
func asTime(t *time.Time) sql.Scanner { return timeScanner{t: t} }

// asUnsetTime scans a time column that may be unset, NULL in Postgres and 0
// in SQLite (Dialect.Unset), which leaves t zero.
func asUnsetTime(t *time.Time) sql.Scanner { return timeScanner{t: t, unset: true} }

type timeScanner struct {
	t     *time.Time
	unset bool // 0 is unset
}

func (s timeScanner) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*s.t = v.UTC()
	case int64:
		*s.t = time.UnixMicro(v).UTC()
		if v == 0 && s.unset {
			*s.t = time.Time{}
		}
	case nil:
		*s.t = time.Time{}
	default:
		return fmt.Errorf("scan time: unsupported %T", src)
	}
	return nil
}
