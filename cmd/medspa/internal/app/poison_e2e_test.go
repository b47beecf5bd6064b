package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// deadLetters reads the dead-letter stream of the system's NATS.
func deadLetters(t *testing.T, natsURL string) []messages.DeadLetter {
	t.Helper()
	nc, err := nats.Connect(natsURL)
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ctx := context.Background()
	st, err := js.Stream(ctx, messages.StreamDead)
	require.NoError(t, err)
	info, err := st.Info(ctx)
	require.NoError(t, err)
	var out []messages.DeadLetter
	for seq := info.State.FirstSeq; seq > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		require.NoError(t, err)
		var dl messages.DeadLetter
		require.NoError(t, json.Unmarshal(m.Data, &dl))
		out = append(out, dl)
	}
	return out
}

// scrape returns the system's /metrics.
func scrape(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// publishRaw publishes an inbound SMS envelope straight to JetStream, past
// the gateway and its cleaning of text: what the store and the engine must
// survive whatever the edge lets through.
func publishRaw(t *testing.T, sys *system, id, from, text string) {
	t.Helper()
	nc, err := nats.Connect(sys.cfg.NATSURL)
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	env := messages.Envelope{V: messages.Version, ID: id, Kind: messages.KindSMS, ClinicID: clinicID, LeadID: messages.LeadID(clinicID, from),
		Phone: from, Received: sys.now(), SMS: &messages.InboundSMS{Carrier: messages.CarrierTelnyx, ProviderID: id, From: from, To: clinicNumber, Text: text}}
	b, err := env.Encode()
	require.NoError(t, err)
	require.NoError(t, bus.Publisher{JS: js}.Publish(context.Background(), messages.InboundSubject(clinicID, env.LeadID, env.Kind), id, b, sys.now()))
}

// A text with a NUL character (which a Postgres text column refuses) is
// stored without it and answered on both stores; a later text of the same
// lead is answered in turn, and nothing is dead-lettered.
func TestNULCharacterIsNotAPoisonMessage(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		sys := start(t, cfg, priv, tel)
		lead := "+13125550191"
		publishRaw(t, sys, "nul-1", lead, "Hi, my name is Ada\x00 Lovelace\x00")
		before := sys.barrier(tel, "nul-2", lead, "How much is Botox?", "$12 per unit")
		require.Len(t, before, 1, "the text with a NUL character was answered: %+v", before)
		require.Empty(t, deadLetters(t, cfg.NATSURL))

		store, err := app.OpenStore(context.Background(), cfg, nil, nil)
		require.NoError(t, err)
		defer store.Close()
		tr, err := store.Transcript(context.Background(), clinicID, messages.LeadID(clinicID, lead), 10)
		require.NoError(t, err)
		require.Equal(t, "Hi, my name is Ada Lovelace", tr[0].Text, "stored without the NUL characters")
	})
}

// A stored conversation that cannot be decoded costs one dead letter, on
// both stores: the text that found it is dead-lettered with the snapshot,
// and the lead's next text is answered.
func TestUndecodableSnapshotCostsOneDeadLetter(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		lead := "+13125550192"
		leadID := messages.LeadID(clinicID, lead)
		store, err := app.OpenStore(context.Background(), cfg, nil, nil)
		require.NoError(t, err)
		broken := []byte("\x00\xffnot a conversation")
		res, err := store.Apply(context.Background(), []persistence.Commit{{DedupKey: "legacy-1", Snapshot: persistence.Snapshot{
			ClinicID: clinicID, LeadID: leadID, Phone: lead, Phase: "offering", State: broken}}})
		require.NoError(t, err)
		require.NoError(t, res[0])
		require.NoError(t, store.Close())

		sys := start(t, cfg, priv, tel)
		require.Equal(t, http.StatusOK, first(sys.sms("snap-1", lead, "Hello?")))
		before := sys.barrier(tel, "snap-2", lead, "How much is Botox?", "$12 per unit")
		require.Empty(t, before, "the first text went to the dead-letter subject")

		dls := deadLetters(t, cfg.NATSURL)
		require.Len(t, dls, 1)
		require.Equal(t, "snapshot_undecodable", dls[0].Reason)
		require.Equal(t, broken, dls[0].Snapshot)
		require.Equal(t, messages.InboundSubject(clinicID, leadID, messages.KindSMS), dls[0].ReplayTo)

		// Nothing more is on its way: the barrier's answer was the last text.
		sys.drained(messages.StreamInbound)
		require.Len(t, tel.SentTo(lead), 1)
		require.Contains(t, scrape(t, sys.baseURL), `medspa_dead_letters_total{reason="snapshot_undecodable",source="inbound"} 1`+"\n")

		// Replayed, the dead letter's text reaches the restarted
		// conversation and is answered; the dead letter is gone.
		replayAll(t, cfg.NATSURL)
		before = sys.barrier(tel, "snap-3", lead, "How much is Botox?", "$12 per unit")
		require.Len(t, before, 2, "the replayed text was answered once: %+v", before)
		require.Empty(t, deadLetters(t, cfg.NATSURL))
		store, err = app.OpenStore(context.Background(), cfg, nil, nil)
		require.NoError(t, err)
		defer store.Close()
		tr, err := store.Transcript(context.Background(), clinicID, leadID, 20)
		require.NoError(t, err)
		var in []string
		for _, e := range tr {
			if e.Direction == "in" {
				in = append(in, e.Text)
			}
		}
		require.Equal(t, []string{"How much is Botox?", "Hello?", "How much is Botox?"}, in)
	})
}

// replayAll replays every dead letter as `medspa dlq replay --all` does.
func replayAll(t *testing.T, natsURL string) {
	t.Helper()
	nc, err := nats.Connect(natsURL)
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ctx := context.Background()
	st, err := js.Stream(ctx, messages.StreamDead)
	require.NoError(t, err)
	info, err := st.Info(ctx)
	require.NoError(t, err)
	for seq := info.State.FirstSeq; seq > 0 && seq <= info.State.LastSeq; seq++ {
		d, err := bus.ReadDeadLetter(ctx, st, seq)
		require.NoError(t, err)
		_, err = bus.ReplayDeadLetter(ctx, js, st, d)
		require.NoError(t, err)
	}
}
