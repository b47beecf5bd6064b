package actors

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
)

func TestCommittedCountsPhasesAndOptOuts(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	phase := func(p conversation.Phase) float64 {
		return gathered(t, reg, "medspa_conversations_by_phase", string(p))
	}
	first := conversation.State{Phase: conversation.PhaseQualifying}
	m.committed(decision{next: first})
	require.Equal(t, 1.0, phase(conversation.PhaseQualifying))

	same := first
	m.committed(decision{prev: &first, next: same})
	require.Equal(t, 1.0, phase(conversation.PhaseQualifying), "a commit in the same phase moves nothing")

	out := conversation.State{Phase: conversation.PhaseOptedOut}
	m.committed(decision{prev: &first, next: out, effects: []conversation.Effect{
		conversation.Event{Type: conversation.EventPhaseChanged},
		conversation.Event{Type: conversation.EventOptedOut},
	}})
	require.Equal(t, 0.0, phase(conversation.PhaseQualifying))
	require.Equal(t, 1.0, phase(conversation.PhaseOptedOut))
	require.Equal(t, 1.0, gathered(t, reg, "medspa_opt_outs_total", ""))
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
		c, _, err := a.buildCommit(decision{key: "in-1", prev: prev, next: next, effects: replies}, now)
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
