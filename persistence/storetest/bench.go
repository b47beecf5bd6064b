package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

// BenchApply measures Apply with batches of 1 and 64 commits. Each commit
// updates one conversation (a 512-byte state) and adds a transcript entry
// and an outbox row; the commits/s metric shows the gain of group commit.
// The extras variant also moves a timer and records a delivery receipt in
// every commit.
func BenchApply(b *testing.B, newStore func(b *testing.B) persistence.Store) {
	for _, bc := range []struct {
		size   int
		extras bool
	}{{1, false}, {64, false}, {64, true}} {
		size := bc.size
		name := fmt.Sprintf("batch=%d", size)
		if bc.extras {
			name += "/extras"
		}
		b.Run(name, func(b *testing.B) {
			s := newStore(b)
			state := []byte(`{"pad":"` + strings.Repeat("x", 500) + `"}`)
			versions := make([]int64, size)
			seq := 0
			next := func() []persistence.Commit {
				cs := make([]persistence.Commit, size)
				for i := range cs {
					seq++
					key := fmt.Sprintf("bench-%d", seq)
					lead := fmt.Sprintf("lead-%d", i)
					cs[i] = persistence.Commit{
						DedupKey: key,
						Snapshot: persistence.Snapshot{
							ClinicID: "clinic", LeadID: lead, Phone: "+15550000000", Phase: "open",
							Version: versions[i], State: state, UpdatedAt: time.Now(),
						},
						Transcript: []persistence.TranscriptEntry{{ID: key, Direction: "in", Author: "lead", Text: "hello"}},
						Outbox:     []persistence.OutboxRow{{ID: key, Subject: "bench", Payload: []byte("payload")}},
					}
					if bc.extras {
						cs[i].Timers = []persistence.Timer{{ID: "follow-up", Kind: "follow_up", DueAt: time.Now().Add(time.Hour)}}
						cs[i].Deliveries = []persistence.Delivery{{ProviderID: "prov-" + key, Status: "delivered"}}
					}
				}
				return cs
			}
			applyAll := func() {
				res, err := s.Apply(b.Context(), next())
				if err != nil {
					b.Fatal(err)
				}
				for i, r := range res {
					if r != nil {
						b.Fatalf("commit %d: %v", i, r)
					}
					versions[i]++
				}
			}
			applyAll() // create the conversations
			b.ResetTimer()
			for range b.N {
				applyAll()
			}
			b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "commits/s")
		})
	}
}
