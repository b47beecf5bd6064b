package postgres

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/medspa/engine/persistence/migrations"
)

// Advisory lock keys. Migrations lock per schema (the second key is the
// hash of current_schema()).
const (
	lockSchema  int64 = 0x6d656473_00000001
	lockMigrate int32 = 0x6d656473
)

// Migrate applies the pending migrations to the database at url (in
// opts.Schema when set) and returns.
func Migrate(ctx context.Context, url string, opts Options) error {
	pool, err := connect(ctx, url, opts)
	if err != nil {
		return err
	}
	defer pool.Close()
	return migrate(ctx, pool, logger(opts))
}

// migrate applies the pending migrations in one transaction holding an
// advisory lock, so processes starting at once apply each migration once.
func migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	all, err := migrations.Postgres()
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", lockMigrate); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer     PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		applied, err := appliedVersions(ctx, tx)
		if err != nil {
			return err
		}
		for _, m := range migrations.Pending(all, applied) {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
				return fmt.Errorf("record %s: %w", m.Name, err)
			}
			log.InfoContext(ctx, "migration applied", slog.String("migration", m.Name))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func appliedVersions(ctx context.Context, tx pgx.Tx) (map[int]bool, error) {
	rows, err := tx.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	applied := make(map[int]bool, len(vs))
	for _, v := range vs {
		applied[int(v)] = true
	}
	return applied, nil
}
