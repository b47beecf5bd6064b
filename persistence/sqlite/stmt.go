package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// execer is what a write transaction's code needs: *sql.Tx, or a
// preparedTx that reuses statements parsed once.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtCache holds statements prepared on the writer. SQLite spends much of
// a small write parsing its SQL, and the hot path (Apply) runs the same
// dozen statements for every commit. The writer has a single connection,
// which a transaction holds, so a statement seen for the first time inside
// one runs unprepared and is prepared after the transaction ends.
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	ready   map[string]*sql.Stmt
	missing map[string]struct{}
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, ready: map[string]*sql.Stmt{}, missing: map[string]struct{}{}}
}

func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.ready[query]
	if !ok {
		c.missing[query] = struct{}{}
	}
	return st
}

// prepareMissing prepares the statements seen unprepared; call it while no
// transaction holds the writer.
// The lock is not held while preparing: preparing waits for the writer's
// connection, which another transaction may hold while it reads the cache.
func (c *stmtCache) prepareMissing(ctx context.Context) {
	c.mu.Lock()
	queries := make([]string, 0, len(c.missing))
	for q := range c.missing {
		queries = append(queries, q)
		delete(c.missing, q)
	}
	c.mu.Unlock()
	for _, q := range queries {
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue // it runs unprepared and is tried again later
		}
		c.mu.Lock()
		if _, dup := c.ready[q]; dup {
			_ = st.Close()
		} else {
			c.ready[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.ready {
		_ = st.Close()
		delete(c.ready, q)
	}
}

// preparedTx runs a transaction's statements through the cache.
type preparedTx struct {
	tx    *sql.Tx
	cache *stmtCache
}

func (p preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.cache.get(query); st != nil {
		return p.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return p.tx.ExecContext(ctx, query, args...)
}

func (p preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.cache.get(query); st != nil {
		return p.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return p.tx.QueryRowContext(ctx, query, args...)
}

// readDB is the read pool with statements prepared once per query text;
// database/sql prepares each on a connection the first time that
// connection runs it. Reads never wait for the writer, so preparing here
// cannot block behind a transaction.
type readDB struct {
	*sql.DB
	stmts sync.Map // query -> *sql.Stmt
}

func (r *readDB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := r.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := r.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := r.stmts.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// QueryRowContext runs a prepared single-row query.
func (r *readDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := r.stmt(ctx, query)
	if err != nil {
		return r.DB.QueryRowContext(ctx, query, args...) // carries the same error
	}
	return st.QueryRowContext(ctx, args...)
}

// QueryContext runs a prepared query.
func (r *readDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := r.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// Close closes the statements and the pool.
func (r *readDB) Close() error {
	r.stmts.Range(func(k, v any) bool {
		_ = v.(*sql.Stmt).Close()
		r.stmts.Delete(k)
		return true
	})
	return r.DB.Close()
}
