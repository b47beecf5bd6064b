package baseline_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/internal/baseline"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
)

func TestPrefillWritesIdleConversations(t *testing.T) {
	for _, sk := range stores {
		t.Run(sk.name, func(t *testing.T) {
			store := sk.open(t)
			clinics := clinic.Demo()[:2]
			ctx := context.Background()
			_, err := baseline.Prefill(ctx, store, clinics, 2500, 1000, time.Now())
			require.NoError(t, err)
			for _, i := range []int{0, 1, 1999, 2499} {
				c := clinics[i%2]
				phone := baseline.PrefillNumber(i)
				snap, err := store.LoadSnapshot(ctx, c.ID, messages.LeadID(c.ID, phone))
				require.NoError(t, err, i)
				require.EqualValues(t, 1, snap.Version)
				var s conversation.State
				require.NoError(t, json.Unmarshal(snap.State, &s))
				require.Equal(t, phone, s.Phone)
				require.Equal(t, snap.LeadID, s.LeadID)
			}
			_, err = store.LoadSnapshot(ctx, clinics[0].ID, messages.LeadID(clinics[0].ID, baseline.PrefillNumber(2500)))
			require.Error(t, err, "no more than asked")
		})
	}
}
