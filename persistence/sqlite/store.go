// Package sqlite is the embedded implementation of persistence.Store: one
// SQLite file in a data directory, through modernc.org/sqlite (no cgo).
//
// The database runs in WAL mode with synchronous=FULL: every committed Apply
// is fsynced to the WAL before it returns, so a commit survives a power
// loss, at the cost of one fsync per transaction (group commit through Apply
// batches amortises it). SQLite allows one writer: writes go through a pool
// of one connection holding BEGIN IMMEDIATE transactions; reads use a
// separate pool of read-only connections.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"modernc.org/sqlite" // also registers the "sqlite" driver

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/wait"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// FileName is the database file inside the data directory.
const FileName = "medspa.db"

// Options configure Open and Migrate.
type Options struct {
	// Readers caps the read pool (4 when 0).
	Readers int
	// Logger receives migration notices; nothing is logged when nil.
	Logger *slog.Logger
	// Now is the clock of the timestamps the store writes itself (updated
	// at, sent at, ...); clock.Real when nil.
	Now func() time.Time
}

// shared is the part of the store whose statements are the same in
// Postgres.
type shared = sqlstore.Store

// Store is a persistence.Store on an SQLite file.
type Store struct {
	shared
	w         *sql.DB    // writer: one connection
	r         *readDB    // readers
	stmts     *stmtCache // statements prepared on the writer
	comb      combiner   // frequent writes share transactions
	log       *slog.Logger
	now       func() time.Time
	closeOnce sync.Once
	closeErr  error
}

var _ persistence.Store = (*Store)(nil)

// Open opens (creating if needed) the database in dir and applies the
// pending migrations.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	log := logger(opts)
	w, err := openWriter(ctx, dir)
	if err != nil {
		return nil, err
	}
	now := clock.Or(opts.Now)
	if err := migrate(ctx, w, log, now); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(dir, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	n := opts.Readers
	if n <= 0 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s := &Store{w: w, r: &readDB{DB: r}, log: log, now: now, stmts: newStmtCache(w)}
	s.shared = sqlstore.Store{DB: liteDB{r: s.r, w: s.w}, Now: now, Rejected: rejected}
	return s, nil
}

// Migrate applies the pending migrations to the database in dir.
func Migrate(ctx context.Context, dir string, opts Options) error {
	w, err := openWriter(ctx, dir)
	if err != nil {
		return err
	}
	defer w.Close()
	return migrate(ctx, w, logger(opts), clock.Or(opts.Now))
}

// Ping checks the database is readable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	return nil
}

// Close closes the database. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stmts.close()
		s.closeErr = errors.Join(s.r.Close(), s.w.Close())
	})
	return s.closeErr
}

func openWriter(ctx context.Context, dir string) (*sql.DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w, err := sql.Open("sqlite", dsn(dir, true))
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := pingWhileBusy(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	return w, nil
}

// pingWhileBusy opens the writer's connection. Switching a new database to
// WAL takes an exclusive lock for which SQLite does not call the busy
// handler, so processes opening one database file at the same moment (a
// migrate beside a serve) can be told SQLITE_BUSY at once: that is tried
// again for about as long as the busy timeout.
func pingWhileBusy(ctx context.Context, w *sql.DB) error {
	b := wait.Backoff{Base: 5 * time.Millisecond, Max: 200 * time.Millisecond, Jitter: true}
	const attempts = 60 // about 10 s in all
	for attempt := 0; ; attempt++ {
		err := w.PingContext(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqliteBusy || attempt == attempts {
			return err
		}
		if !wait.Sleep(ctx, b.Delay(attempt)) {
			return err
		}
	}
}

// dsn is the data source name of the database in dir: WAL, full sync, a busy
// timeout for other processes; the writer takes the write lock at BEGIN, the
// readers cannot write.
func dsn(dir string, writer bool) string {
	q := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	if writer {
		q += "&_txlock=immediate"
	} else {
		q += "&_pragma=query_only(1)"
	}
	return filepath.Join(dir, FileName) + q
}

func logger(opts Options) *slog.Logger {
	if opts.Logger != nil {
		return opts.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
