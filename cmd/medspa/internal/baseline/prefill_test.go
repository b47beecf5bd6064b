package baseline_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/baseline"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// applyOnly hides a store's BulkLoad: Prefill falls back to Apply.
type applyOnly struct{ persistence.Store }

// countingBulk counts the BulkLoad calls of a store.
type countingBulk struct {
	persistence.Store
	calls int
}

func (c *countingBulk) BulkLoad(ctx context.Context, commits []persistence.Commit) error {
	c.calls++
	return c.Store.(persistence.BulkLoader).BulkLoad(ctx, commits)
}

func TestPrefillWritesIdleConversations(t *testing.T) {
	for _, sk := range stores {
		t.Run(sk.name, func(t *testing.T) {
			bulk := &countingBulk{Store: sk.open(t)}
			applied := applyOnly{sk.open(t)}
			clinics := clinic.Demo()[:2]
			ctx := context.Background()
			now := time.Now()
			_, err := baseline.Prefill(ctx, bulk, clinics, 20001, 1000, now)
			require.NoError(t, err)
			require.Equal(t, 2, bulk.calls, "loads of 20,000 through BulkLoad")
			_, err = baseline.Prefill(ctx, applied, clinics, 2500, 1000, now)
			require.NoError(t, err)

			for _, i := range []int{0, 1, 1999, 2499} {
				c := clinics[i%2]
				phone := baseline.PrefillNumber(i)
				lead := messages.LeadID(c.ID, phone)
				snap, err := bulk.LoadSnapshot(ctx, c.ID, lead)
				require.NoError(t, err, i)
				require.EqualValues(t, 1, snap.Version)
				var s conversation.State
				require.NoError(t, json.Unmarshal(snap.State, &s))
				require.Equal(t, phone, s.Phone)
				require.Equal(t, snap.LeadID, s.LeadID)

				viaApply, err := applied.LoadSnapshot(ctx, c.ID, lead)
				require.NoError(t, err, i)
				require.Equal(t, viaApply, snap, "the same row through Apply and BulkLoad")
				tr, err := bulk.Transcript(ctx, c.ID, lead, 0)
				require.NoError(t, err)
				trApplied, err := applied.Transcript(ctx, c.ID, lead, 0)
				require.NoError(t, err)
				require.Len(t, tr, 1)
				require.Equal(t, trApplied, tr)
			}
			_, err = bulk.LoadSnapshot(ctx, clinics[0].ID, messages.LeadID(clinics[0].ID, baseline.PrefillNumber(20000)))
			require.NoError(t, err)
			for _, filled := range []struct {
				store persistence.Store
				n     int
			}{{bulk, 20001}, {applied, 2500}} {
				c := clinics[filled.n%2]
				_, err = filled.store.LoadSnapshot(ctx, c.ID, messages.LeadID(c.ID, baseline.PrefillNumber(filled.n)))
				require.ErrorIs(t, err, persistence.ErrNotFound, "no more than asked")
			}
			// Apply skips what is stored already.
			_, err = baseline.Prefill(ctx, applied, clinics, 2500, 1000, now)
			require.NoError(t, err)
		})
	}
}
