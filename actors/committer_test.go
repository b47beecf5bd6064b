package actors

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/sqlite"
)

// refusing is a store whose database refuses any batch holding the commit
// with dedup key "poison", as Postgres fails a whole transaction for one
// bad value.
type refusing struct {
	persistence.Store
	batches [][]string
}

func (r *refusing) Apply(ctx context.Context, cs []persistence.Commit) ([]error, error) {
	keys := make([]string, len(cs))
	for i, c := range cs {
		keys[i] = c.DedupKey
	}
	r.batches = append(r.batches, keys)
	for _, c := range cs {
		if c.DedupKey == "poison" {
			return nil, errors.Join(persistence.ErrRejected, errors.New("invalid byte sequence (SQLSTATE 22021)"))
		}
	}
	return r.Store.Apply(ctx, cs)
}

// One refused commit in a group commit fails only itself: the others of its
// transaction are applied again one by one.
func TestCommitterIsolatesARejectedCommit(t *testing.T) {
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	store := &refusing{Store: st}
	c := newCommitter(store, 1, 8, nil)
	snap := func(lead string) persistence.Snapshot {
		return persistence.Snapshot{ClinicID: "c1", LeadID: lead, Phase: "new", State: []byte(`{}`)}
	}
	keys := []string{"good-1", "poison", "good-2"}
	results := make(chan error, len(keys))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, k := range keys {
		go func() {
			results <- c.commit(ctx, persistence.Commit{DedupKey: k, Snapshot: snap(string(rune('a' + i)))})
		}()
	}
	// All three wait in the queue before the committer runs: one batch.
	require.Eventually(t, func() bool { return len(c.reqs) == len(keys) }, 5*time.Second, time.Millisecond)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.run(runCtx); close(done) }()
	defer func() { stop(); <-done }()

	var rejected, ok int
	for range keys {
		switch err := <-results; {
		case err == nil:
			ok++
		case errors.Is(err, persistence.ErrRejected):
			rejected++
		default:
			t.Fatalf("unexpected result %v", err)
		}
	}
	require.Equal(t, 2, ok, "the good commits of the refused batch are applied")
	require.Equal(t, 1, rejected)
	require.Len(t, store.batches[0], 3, "one group commit first")
	for _, lead := range []string{"a", "c"} {
		_, err := st.LoadSnapshot(ctx, "c1", lead)
		require.NoError(t, err, lead)
	}
	_, err = st.LoadSnapshot(ctx, "c1", "b")
	require.ErrorIs(t, err, persistence.ErrNotFound)
}
