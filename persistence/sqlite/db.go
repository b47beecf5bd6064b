package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/medspa/engine/persistence/internal/sqlstore"
)

// dialect is SQLite's part of the shared statements: lowerFunc folds every
// letter (lower.go), BINARY is SQLite's byte order, and an unset time is 0.
var dialect = sqlstore.Dialect{Lower: lowerFunc, ByteOrder: "BINARY", Unset: int64(0)}

// reader is the read pool or a transaction.
type reader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// liteDB runs the shared statements (sqlstore): reads on r, writes on w.
type liteDB struct {
	r reader
	w interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	}
}

var _ sqlstore.DB = liteDB{}

func (d liteDB) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := d.r.QueryContext(ctx, query, bind(args)...)
	if err != nil {
		return nil, err
	}
	return liteRows{rows}, nil
}

func (d liteDB) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return d.r.QueryRowContext(ctx, query, bind(args)...)
}

func (d liteDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := d.w.ExecContext(ctx, query, bind(args)...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (liteDB) Dialect() sqlstore.Dialect { return dialect }

// liteRows is *sql.Rows as sqlstore.Rows.
type liteRows struct{ *sql.Rows }

func (r liteRows) Close() { _ = r.Rows.Close() }

// bind returns args with every time.Time as the Unix microseconds the
// schema stores, copying args if it changes any.
func bind(args []any) []any {
	out, copied := args, false
	for i, a := range args {
		if t, ok := a.(time.Time); ok {
			if !copied {
				out, copied = slices.Clone(args), true
			}
			out[i] = t.UnixMicro()
		}
	}
	return out
}

func micros(us int64) time.Time { return time.UnixMicro(us).UTC() }
