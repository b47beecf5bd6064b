package actors

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

func TestCommittedCountsPhasesAndOptOuts(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	const clinicID = "glow-chicago"
	m.ops.phases.set(1, []int{0}, nil) // the only partition, counted: no conversations yet
	phase := func(p conversation.Phase) float64 {
		return gatheredLabels(t, reg, "medspa_conversations_by_phase", map[string]string{"clinic": clinicID, "phase": string(p)})
	}
	first := conversation.State{Phase: conversation.PhaseQualifying}
	m.committed(clinicID, "", decision{step: conversation.Step{State: first}})
	require.Equal(t, 1.0, phase(conversation.PhaseQualifying))

	same := first
	m.committed(clinicID, string(first.Phase), decision{step: conversation.Step{Prev: &first, State: same}})
	require.Equal(t, 1.0, phase(conversation.PhaseQualifying), "a commit in the same phase moves nothing")

	out := conversation.State{Phase: conversation.PhaseOptedOut}
	m.committed(clinicID, string(first.Phase), decision{step: conversation.Step{Prev: &first, State: out, Effects: []conversation.Effect{
		conversation.Event{Type: conversation.EventPhaseChanged},
		conversation.Event{Type: conversation.EventOptedOut},
	}}})
	require.Equal(t, 0.0, phase(conversation.PhaseQualifying))
	require.Equal(t, 1.0, phase(conversation.PhaseOptedOut))
	require.Equal(t, 1.0, gathered(t, reg, "medspa_opt_outs_total", ""))
}

// The census starts from the store's count of the partitions this node
// takes, counts only their clinics, follows the commits from the phase
// each conversation was stored in, and forgets a partition let go.
func TestPhaseCensusFollowsOwnedPartitions(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	c := m.ops.phases
	const parts = 4
	a, b := clinicInPartition(t, 0, parts), clinicInPartition(t, 1, parts)
	stored := []persistence.PhaseCount{{ClinicID: a, Phase: "offering", N: 3}, {ClinicID: a, Phase: "new", N: 2}, {ClinicID: b, Phase: "new", N: 7}}
	get := func(clinic, phase string) float64 {
		return gatheredLabels(t, reg, "medspa_conversations_by_phase", map[string]string{"clinic": clinic, "phase": phase})
	}
	c.set(parts, []int{0}, stored)
	require.Equal(t, 3.0, get(a, "offering"))
	require.Equal(t, 2.0, get(a, "new"))
	require.Equal(t, 0.0, get(b, "new"), "a partition not taken is not reported")
	require.Equal(t, []int{1}, c.uncounted([]int{0, 1}))

	c.move(a, "offering", "slot_held")
	c.move(a, "", "new")     // a new conversation
	c.move(b, "new", "lost") // not this node's: ignored
	require.Equal(t, 2.0, get(a, "offering"))
	require.Equal(t, 1.0, get(a, "slot_held"))
	require.Equal(t, 3.0, get(a, "new"))
	require.Equal(t, 0.0, get(b, "lost"))

	c.set(parts, []int{1}, stored) // taken later: counted from the store
	require.Equal(t, 7.0, get(b, "new"))
	require.Equal(t, 3.0, get(a, "new"), "taking one partition leaves the others")
	c.drop([]int{0})
	require.Equal(t, 0.0, get(a, "new"), "a partition let go takes its series with it")
	require.Equal(t, 7.0, get(b, "new"))
}

// clinicInPartition names a clinic in partition p of parts.
func clinicInPartition(t *testing.T, p, parts int) string {
	t.Helper()
	for i := range 1000 {
		if id := fmt.Sprintf("clinic-%d", i); messages.PartitionOf(id, parts) == p {
			return id
		}
	}
	t.Fatalf("no clinic in partition %d", p)
	return ""
}

func TestInflightGaugeReadsTheEngine(t *testing.T) {
	reg := prometheus.NewRegistry()
	e := New(Config{Metrics: NewMetrics(reg)})
	e.inflight.Add(3)
	require.Equal(t, 3.0, gathered(t, reg, "medspa_inflight_messages", ""))
}

func TestFirstTextOfANewLeadIsMarked(t *testing.T) {
	a := &leadActor{engine: &Engine{cfg: Config{}}, clinic: &clinic.Clinic{ID: "glow-chicago"}, leadID: "ld_1"}
	now := time.Date(2026, 11, 20, 18, 10, 0, 0, time.UTC)
	next := conversation.State{Phase: conversation.PhaseQualifying, Phone: "+13125550123", CreatedAt: now}
	replies := []conversation.Effect{conversation.Reply{Text: "Hi!"}, conversation.Reply{Text: "And more."}}
	firsts := func(prev *conversation.State) []bool {
		c, _, err := a.buildCommit(decision{key: "in-1", step: conversation.Settle("in-1", prev, next, nil, replies, now)}, now)
		require.NoError(t, err)
		var got []bool
		for _, row := range c.Outbox {
			var cmd messages.SendSMS
			require.NoError(t, json.Unmarshal(row.Payload, &cmd))
			got = append(got, cmd.First)
		}
		return got
	}
	require.Equal(t, []bool{true, false}, firsts(nil), "only the first text of a new lead")
	require.Equal(t, []bool{false, false}, firsts(&next), "no text of a known lead")
}

// gatheredLabels is the value of the series of a gauge with exactly these
// labels; 0 when it does not exist.
func gatheredLabels(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	fams, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue series
				}
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

// gathered is the value of a gauge or counter as the registry reports it,
// for the series with the given label value ("" for no labels); 0 when the
// series does not exist.
func gathered(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	fams, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if label != "" && (len(m.GetLabel()) == 0 || m.GetLabel()[0].GetValue() != label) {
				continue
			}
			if m.GetGauge() != nil {
				return m.GetGauge().GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}
