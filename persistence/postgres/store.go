// Package postgres is the Postgres implementation of persistence.Store,
// through pgx and a connection pool.
package postgres

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// Options configure Open and Migrate.
type Options struct {
	// Schema, when set, is created if missing and used as the search_path of
	// every connection.
	Schema string
	// MaxConns caps the pool (pgxpool's default when 0).
	MaxConns int32
	// SkipMigrate leaves the schema as it is on Open.
	SkipMigrate bool
	// Logger receives migration notices; nothing is logged when nil.
	Logger *slog.Logger
	// Now is the clock of the timestamps the store writes itself (updated
	// at, sent at, ...); clock.Real when nil.
	Now func() time.Time
}

// shared is the part of the store whose statements are the same in SQLite.
type shared = sqlstore.Store

// Store is a persistence.Store on Postgres.
type Store struct {
	shared
	pool *pgxpool.Pool
	log  *slog.Logger
	now  func() time.Time
	// takes bounds the rate takes running at once (TakeRate).
	takes chan struct{}
	// savepoints forces the savepoint path of Apply (tests).
	savepoints bool
	closeOnce  sync.Once
}

var _ persistence.Store = (*Store)(nil)

// Open connects to the database at url, prepares the schema and applies the
// pending migrations unless opts.SkipMigrate.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	pool, err := connect(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	s := &Store{pool: pool, log: logger(opts), now: clock.Or(opts.Now), takes: make(chan struct{}, maxConcurrentTakes)}
	s.shared = sqlstore.Store{DB: pgDB{pool}, Now: s.now, Rejected: rejected}
	if !opts.SkipMigrate {
		if err := migrate(ctx, pool, s.log); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return s, nil
}

// Pool returns the store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks the database is reachable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// Close closes the pool. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(s.pool.Close)
	return nil
}

func logger(opts Options) *slog.Logger {
	if opts.Logger != nil {
		return opts.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// connect opens a pool whose connections use opts.Schema, creating the
// schema first when it is missing.
func connect(ctx context.Context, url string, opts Options) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.Schema != "" {
		if err := createSchema(ctx, cfg.ConnConfig.Copy(), opts.Schema); err != nil {
			return nil, err
		}
		cfg.ConnConfig.RuntimeParams["search_path"] = opts.Schema
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	return pool, nil
}

// createSchema creates schema if missing; an advisory lock keeps two
// processes starting at once from racing on the catalog.
func createSchema(ctx context.Context, cfg *pgx.ConnConfig, schema string) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect postgres: %w", err)
	}
	defer conn.Close(context.Background())
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockSchema); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
		return err
	})
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	return nil
}
