package storm_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/storm"
)

// TestCompareTinyRun runs the comparison plumbing end to end on a tiny
// load: the three systems start on fresh data one after another, each
// passes the storm's verification in both phases, and the ratios and the
// table are filled in.
func TestCompareTinyRun(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	cmp, err := storm.Compare(context.Background(), storm.CompareOptions{
		Clinics: 4, Leads: 4, Concurrency: 8, Duration: time.Second, DupShare: 0.1, BadSigShare: 0.05, Seed: 3, TempDir: t.TempDir(),
	})
	require.NoError(t, err)
	require.True(t, cmp.Passed, cmp.Failures)
	require.Len(t, cmp.Results, 3)
	for i, name := range []string{storm.SystemEngine, storm.SystemBare, storm.SystemConventional} {
		r := cmp.Results[i]
		require.Equal(t, name, r.System)
		require.Positive(t, r.Peak.Verification.Accepted, name)
		require.Equal(t, r.Peak.Verification.Accepted, r.Peak.Verification.Matched, name)
		require.NotNil(t, r.Open, name)
		require.Equal(t, "open", r.Open.Mode)
		require.InDelta(t, cmp.OpenRate, r.Open.Rate, 1e-9, "every system gets the same open-loop rate")
		require.True(t, r.Peak.Engine.Scraped, name+": "+r.Peak.Engine.Error)
	}
	require.InDelta(t, cmp.Results[0].Peak.MessagesPerSec/2, cmp.OpenRate, 1e-9, "half of the engine's peak")
	require.Positive(t, cmp.EngineOverBare)
	require.Positive(t, cmp.EngineOverConventional)

	var table strings.Builder
	require.NoError(t, cmp.WriteTable(&table))
	t.Log("\n" + table.String())
	require.Contains(t, table.String(), "engine / conventional")
	_, err = json.Marshal(cmp)
	require.NoError(t, err)
}

// TestCompareMemoryTinyRun fills two fresh engine stores and storms each.
func TestCompareMemoryTinyRun(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	cmp, err := storm.Compare(context.Background(), storm.CompareOptions{
		Clinics: 4, Leads: 4, Concurrency: 8, Duration: time.Second, Prefill: []int{10, 2000}, Seed: 5, TempDir: t.TempDir(),
	})
	require.NoError(t, err)
	require.True(t, cmp.Passed, cmp.Failures)
	require.Len(t, cmp.Memory, 2)
	require.Equal(t, 2000, cmp.Memory[1].Count)
	require.Positive(t, cmp.Memory[1].Report.Verification.Matched)
	require.Positive(t, cmp.MemoryGrowth)
}
