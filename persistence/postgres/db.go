package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// dialect is Postgres's part of the shared statements. lower() folds every
// letter in a database with a UTF-8 ctype (not in the C locale, where it
// folds ASCII only); COLLATE "C" orders text byte by byte, as SQLite does.
var dialect = sqlstore.Dialect{Lower: "lower", ByteOrder: `"C"`, Unset: nil}

// querier is the pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// pgDB runs the shared statements (sqlstore) on q.
type pgDB struct{ q querier }

var _ sqlstore.DB = pgDB{}

func (d pgDB) Query(ctx context.Context, sql string, args ...any) (sqlstore.Rows, error) {
	rows, err := d.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (d pgDB) QueryRow(ctx context.Context, sql string, args ...any) sqlstore.Row {
	return d.q.QueryRow(ctx, sql, args...)
}

func (d pgDB) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := d.q.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

func (pgDB) Dialect() sqlstore.Dialect { return dialect }
