package actors_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/actors"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// tuesday is a Tuesday afternoon in the demo clinics' zone: every test of
// this file runs at it.
var tuesday = func() time.Time {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		panic(err)
	}
	return time.Date(2026, time.December, 8, 14, 0, 0, 0, loc)
}()

// runOn starts an engine on store (the rig's when nil) at tuesday and
// returns its metrics registry; the engine stops when the test ends.
func (r *rig) runOn(t *testing.T, store persistence.Store) *prometheus.Registry {
	reg, _ := r.runStop(t, store)
	return reg
}

func (r *rig) runStop(t *testing.T, store persistence.Store) (*prometheus.Registry, func()) {
	if store == nil {
		store = r.store
	}
	reg := prometheus.NewRegistry()
	eng := actors.New(actors.Config{JS: r.js, Store: store, Clinics: directory.New(clinic.Demo()), Topology: r.topo,
		Metrics: actors.NewMetrics(reg), Now: clock.NewTest(tuesday).Now})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()
	var stopped bool
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			require.NoError(t, <-done)
		}
	}
	t.Cleanup(stop)
	return reg, stop
}

// answered waits until the lead's inbound text is in the transcript with
// an answer after it: the barrier after which everything before the text
// has been decided.
func (r *rig) answered(t *testing.T, from, text string) []persistence.TranscriptEntry {
	t.Helper()
	var entries []persistence.TranscriptEntry
	require.Eventually(t, func() bool {
		var err error
		entries, err = r.store.Transcript(context.Background(), clinicID, messages.LeadID(clinicID, from), 100)
		require.NoError(t, err)
		for i, e := range entries {
			if e.Direction == "in" && e.Text == text {
				return i+1 < len(entries) && entries[i+1].Direction == "out"
			}
		}
		return false
	}, 15*time.Second, 20*time.Millisecond, "%q answered", text)
	return entries
}

// deadLetters reads every message of the dead-letter stream.
func (r *rig) deadLetters(t *testing.T) []messages.DeadLetter {
	t.Helper()
	ctx := context.Background()
	st, err := r.js.Stream(ctx, messages.StreamDead)
	require.NoError(t, err)
	info, err := st.Info(ctx)
	require.NoError(t, err)
	var out []messages.DeadLetter
	for seq := info.State.FirstSeq; seq > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		require.NoError(t, err)
		var dl messages.DeadLetter
		require.NoError(t, json.Unmarshal(m.Data, &dl))
		out = append(out, dl)
	}
	return out
}

// events returns the events of one type in the events stream.
func (r *rig) events(t *testing.T, typ string) []messages.Event {
	t.Helper()
	ctx := context.Background()
	st, err := r.js.Stream(ctx, messages.StreamEvents)
	require.NoError(t, err)
	info, err := st.Info(ctx)
	require.NoError(t, err)
	var out []messages.Event
	for seq := info.State.FirstSeq; seq > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		require.NoError(t, err)
		if strings.HasSuffix(m.Subject, "."+typ) {
			var ev messages.Event
			require.NoError(t, json.Unmarshal(m.Data, &ev))
			out = append(out, ev)
		}
	}
	return out
}

func inbound(entries []persistence.TranscriptEntry) []string {
	var in []string
	for _, e := range entries {
		if e.Direction == "in" {
			in = append(in, e.Text)
		}
	}
	return in
}

// A stored conversation that cannot be decoded costs the message that found
// it one dead letter, which keeps the snapshot; the conversation starts
// again and the lead's next text is answered.
func TestUndecodableSnapshotCostsOneDeadLetter(t *testing.T) {
	r := newRig(t)
	lead := "+13125550161"
	leadID := messages.LeadID(clinicID, lead)
	ctx := context.Background()
	broken := []byte(`{"phase": 17, "name": "Ada"}`) // phase is a string
	res, err := r.store.Apply(ctx, []persistence.Commit{{DedupKey: "old", Snapshot: persistence.Snapshot{
		ClinicID: clinicID, LeadID: leadID, Phone: lead, Phase: "booked", State: broken}}})
	require.NoError(t, err)
	require.NoError(t, res[0])
	reg := r.runOn(t, nil)

	r.publish(t, "s1", lead, "Hi, is anyone there?")
	r.publish(t, "s2", lead, "How much is Botox?")
	entries := r.answered(t, lead, "How much is Botox?")
	require.Equal(t, []string{"How much is Botox?"}, inbound(entries), "the first text is the dead letter's, the second is answered")

	dls := r.deadLetters(t)
	require.Len(t, dls, 1)
	dl := dls[0]
	require.Equal(t, "snapshot_undecodable", dl.Reason)
	require.Contains(t, dl.Error, "decode snapshot")
	require.Equal(t, broken, dl.Snapshot, "the snapshot is kept in the dead letter")
	require.Equal(t, messages.InboundSubject(clinicID, leadID, messages.KindSMS), dl.ReplayTo)
	require.Equal(t, "s1", dl.MsgID)
	env, err := messages.DecodeEnvelope(dl.Data)
	require.NoError(t, err)
	require.Equal(t, "s1", env.ID)

	snap, err := r.store.LoadSnapshot(ctx, clinicID, leadID)
	require.NoError(t, err)
	require.EqualValues(t, 2, snap.Version, "the new conversation replaced the broken one over its version")
	require.NotEqual(t, "booked", snap.Phase)

	evs := r.events(t, actors.EventDeadLettered)
	require.Len(t, evs, 1)
	require.Equal(t, leadID, evs[0].LeadID)
	require.JSONEq(t, `{"reason":"snapshot_undecodable","kind":"sms","dead_letter":"1","restarted":"true"}`, string(evs[0].Data))
	require.Equal(t, 1.0, counterValue(t, reg, "medspa_dead_letters_total", map[string]string{"reason": "snapshot_undecodable", "source": "inbound"}))
	require.Equal(t, 1.0, counterValue(t, reg, "medspa_conversations_restarted_total", nil))
	// The count of conversations by phase moved the conversation out of
	// the phase the broken snapshot had.
	require.Equal(t, 0.0, counterValue(t, reg, "medspa_conversations_by_phase", map[string]string{"clinic": clinicID, "phase": "booked"}))
	require.Equal(t, 1.0, counterValue(t, reg, "medspa_conversations_by_phase", map[string]string{"clinic": clinicID, "phase": snap.Phase}))
}

// refuseText is a store whose database refuses any transaction holding a
// transcript text with "POISON", as Postgres refuses a value it cannot
// hold.
type refuseText struct{ persistence.Store }

func (s refuseText) Apply(ctx context.Context, cs []persistence.Commit) ([]error, error) {
	for _, c := range cs {
		for _, e := range c.Transcript {
			if strings.Contains(e.Text, "POISON") {
				return nil, errors.Join(persistence.ErrRejected, errors.New("ERROR: value refused (SQLSTATE 22000)"))
			}
		}
	}
	return s.Store.Apply(ctx, cs)
}

// A message whose commit the store refuses is dead-lettered after a few
// tries instead of being retried forever; the lead's next text is
// answered, and other leads are not held up.
func TestRejectedCommitCostsOneDeadLetter(t *testing.T) {
	r := newRig(t)
	reg := r.runOn(t, refuseText{r.store})
	lead, other := "+13125550162", "+13125550163"
	r.publish(t, "p1", lead, "POISON")
	r.publish(t, "o1", other, "Hi, how much is Botox?")
	r.publish(t, "p2", lead, "How much is Botox?")
	entries := r.answered(t, lead, "How much is Botox?")
	require.Equal(t, []string{"How much is Botox?"}, inbound(entries))
	r.answered(t, other, "Hi, how much is Botox?")

	dls := r.deadLetters(t)
	require.Len(t, dls, 1)
	require.Equal(t, "store_rejected", dls[0].Reason)
	require.Equal(t, "p1", dls[0].MsgID)
	require.Contains(t, dls[0].Error, "SQLSTATE 22000")
	require.Empty(t, dls[0].Snapshot)
	require.EqualValues(t, 3, dls[0].Deliveries+2, "tried in place, delivered once")
	require.Equal(t, 1.0, counterValue(t, reg, "medspa_dead_letters_total", map[string]string{"reason": "store_rejected", "source": "inbound"}))
	require.Equal(t, 2.0, counterValue(t, reg, "medspa_processing_retries_total", map[string]string{"reason": "store_rejected"}))
	evs := r.events(t, actors.EventDeadLettered)
	require.Len(t, evs, 1)
	require.JSONEq(t, `{"reason":"store_rejected","kind":"sms","dead_letter":"1","restarted":"false"}`, string(evs[0].Data))
}

// A clinic calendar that cannot be decoded stops the clinic's holds: the
// hold a lead asks for is refused and the stored calendar is left as it
// is, never replaced by an empty one that loses the bookings.
func TestUnreadableCalendarStopsHolds(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	broken := []byte(`{"appointments": "every booking"}`)
	require.NoError(t, r.store.SaveClinic(ctx, persistence.ClinicSnapshot{ClinicID: clinicID, State: broken}))
	reg := r.runOn(t, nil)
	lead := "+13125550164"

	r.publish(t, "c1", lead, "Hi! Can I get botox next tuesday afternoon?")
	entries := r.answered(t, lead, "Hi! Can I get botox next tuesday afternoon?")
	require.Contains(t, entries[len(entries)-1].Text, "1)", "times are offered")
	r.publish(t, "c2", lead, "1")
	r.publish(t, "c3", lead, "How much is Botox?")
	entries = r.answered(t, lead, "How much is Botox?")
	for _, e := range entries {
		require.NotContains(t, e.Text, "held for you")
	}

	cal, err := r.store.LoadClinic(ctx, clinicID)
	require.NoError(t, err)
	require.Equal(t, broken, cal.State, "the stored calendar is not overwritten")
	require.EqualValues(t, 1, cal.Version)
	require.Equal(t, 1.0, counterValue(t, reg, "medspa_clinic_calendars_unreadable", nil))
	require.Len(t, r.events(t, actors.EventCalendarUnreadable), 1)
	require.Empty(t, r.deadLetters(t), "the lead's messages are not lost: the hold stays pending in the conversation")
}

// counterValue is the value of the series with exactly these labels (nil:
// none) of a counter or gauge; 0 when it does not exist.
func counterValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
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
			if m.GetGauge() != nil {
				return m.GetGauge().GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

// medspa_conversations_by_phase is the store's count: taken when the
// engine starts (conversations stored before are counted), kept as
// conversations change phase, and the same after a restart.
func TestConversationsByPhaseIsTheStore(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	for i, phase := range []string{"offering", "offering", "booked"} {
		leadID := messages.LeadID(clinicID, "+1312555017"+string(rune('0'+i)))
		res, err := r.store.Apply(ctx, []persistence.Commit{{DedupKey: "seed-" + leadID, Snapshot: persistence.Snapshot{
			ClinicID: clinicID, LeadID: leadID, Phase: phase, State: []byte(`{}`)}}})
		require.NoError(t, err)
		require.NoError(t, res[0])
	}
	same := func(reg *prometheus.Registry) {
		t.Helper()
		stored, err := r.store.ConversationsByPhase(ctx)
		require.NoError(t, err)
		got := map[string]float64{}
		fams, err := reg.Gather()
		require.NoError(t, err)
		for _, f := range fams {
			if f.GetName() == "medspa_conversations_by_phase" {
				for _, m := range f.GetMetric() {
					if v := m.GetGauge().GetValue(); v != 0 {
						got[m.GetLabel()[0].GetValue()+"/"+m.GetLabel()[1].GetValue()] = v
					}
				}
			}
		}
		want := map[string]float64{}
		for _, pc := range stored {
			want[pc.ClinicID+"/"+pc.Phase] = float64(pc.N)
		}
		require.Equal(t, want, got)
	}

	// handled waits until n messages were handled: the transcript is in the
	// store a moment before the committing actor counts the commit.
	handled := func(reg *prometheus.Registry, n float64) {
		t.Helper()
		require.Eventually(t, func() bool {
			return testkit.Counter(t, reg, "medspa_messages_processed_total", nil) >= n
		}, 15*time.Second, 10*time.Millisecond)
	}
	reg, stop := r.runStop(t, nil)
	r.publish(t, "ph-0", "+13125550180", "How much is Botox?")
	r.answered(t, "+13125550180", "How much is Botox?")
	handled(reg, 1)
	same(reg) // counted on start, before the other messages
	leads := []string{"+13125550181", "+13125550182", "+13125550183"}
	for i, lead := range leads {
		r.publish(t, "ph-a"+lead, lead, "Hi! Can I get botox next tuesday afternoon?")
		if i > 0 {
			r.publish(t, "ph-b"+lead, lead, "1")
		}
		if i > 1 {
			r.publish(t, "ph-c"+lead, lead, "STOP")
		}
		r.publish(t, "ph-z"+lead, lead, "START")
	}
	for _, lead := range leads {
		r.answered(t, lead, "START")
	}
	handled(reg, 1+2+3+4)
	same(reg)
	stop()
	reg = r.runOn(t, nil)
	r.publish(t, "ph-y", "+13125550180", "Thanks")
	r.answered(t, "+13125550180", "Thanks")
	handled(reg, 1)
	same(reg) // after a restart
}
