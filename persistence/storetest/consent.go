package storetest

import (
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func consentLedger(t *testing.T, s persistence.Store, clinic, phone string) []persistence.ConsentEvent {
	t.Helper()
	es, err := s.ConsentLedger(ctx(t), clinic, phone)
	if err != nil {
		t.Fatalf("ConsentLedger: %v", err)
	}
	return es
}

func consentKinds(t *testing.T, s persistence.Store, clinic, phone string) []string {
	t.Helper()
	es := consentLedger(t, s, clinic, phone)
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Kind
	}
	return out
}

func testConsentLedger(t *testing.T, s persistence.Store) {
	const phone, other = "+15550000000", "+15551111111"
	a := commit("c1", "a", 0, "k1", t0) // the snapshot's phone is phone
	a.Consent = []persistence.ConsentEvent{
		{Kind: "granted", Source: "web_form", Text: "I agree to receive texts", At: t0.Add(-time.Hour)},
		{ClinicID: "c1", Phone: other, Kind: "granted", Source: "staff", Text: "verbal", At: t0},
	}
	mustApply(t, s, a)
	b := commit("c1", "a", 1, "k2", t0.Add(time.Minute))
	b.Consent = []persistence.ConsentEvent{
		{Kind: "revoked", Source: "inbound_text", Text: "STOP"}, // at the commit's time
		{Kind: "regranted", Source: "inbound_text", Text: "START", At: t0.Add(time.Minute)},
	}
	mustApply(t, s, b)
	c := commit("c2", "a", 0, "k3", t0)
	c.Consent = []persistence.ConsentEvent{{Kind: "granted", Source: "web_form", Text: "other clinic"}}
	mustApply(t, s, c)

	got := consentLedger(t, s, "c1", phone)
	want := []persistence.ConsentEvent{
		{ClinicID: "c1", Phone: phone, At: us(t0.Add(-time.Hour)), Kind: "granted", Source: "web_form", Text: "I agree to receive texts"},
		{ClinicID: "c1", Phone: phone, At: us(t0.Add(time.Minute)), Kind: "revoked", Source: "inbound_text", Text: "STOP"},
		{ClinicID: "c1", Phone: phone, At: us(t0.Add(time.Minute)), Kind: "regranted", Source: "inbound_text", Text: "START"},
	}
	if len(got) != len(want) {
		t.Fatalf("ledger = %+v, want %+v", got, want)
	}
	for i := range want {
		g := got[i]
		if g.ClinicID != want[i].ClinicID || g.Phone != want[i].Phone || !g.At.Equal(want[i].At) ||
			g.Kind != want[i].Kind || g.Source != want[i].Source || g.Text != want[i].Text {
			t.Errorf("ledger[%d] = %+v, want %+v", i, g, want[i])
		}
	}
	wantStrings(t, "other number", consentKinds(t, s, "c1", other), "granted")
	wantStrings(t, "other clinic", consentKinds(t, s, "c2", phone), "granted")
	wantStrings(t, "unknown number", consentKinds(t, s, "c1", "+15559999999"))
}

// testConsentOrderIsTime: the ledger is ordered by event time, not by the
// order the events were written.
func testConsentOrderIsTime(t *testing.T, s persistence.Store) {
	a := commit("c1", "a", 0, "k1", t0)
	a.Consent = []persistence.ConsentEvent{{Kind: "revoked", Source: "carrier", At: t0.Add(time.Hour)}}
	mustApply(t, s, a)
	b := commit("c1", "a", 1, "k2", t0)
	b.Consent = []persistence.ConsentEvent{{Kind: "granted", Source: "web_form", At: t0}}
	mustApply(t, s, b)
	wantStrings(t, "ledger", consentKinds(t, s, "c1", "+15550000000"), "granted", "revoked")
}

// testDeliveryReceipts: receipts update the send record by carrier id, and
// the transcript shows the status of outbound entries.
func testDeliveryReceipts(t *testing.T, s persistence.Store) {
	c := commit("c1", "a", 0, "k1", t0)
	c.Transcript = append(c.Transcript, persistence.TranscriptEntry{ID: "cmd-1", Direction: "out", Author: "engine", Text: "hi"})
	c.Transcript = append(c.Transcript, persistence.TranscriptEntry{ID: "cmd-2", Direction: "out", Author: "staff:ann", Text: "hello"})
	mustApply(t, s, c)
	statuses := func() []string {
		t.Helper()
		es, err := s.Transcript(ctx(t), "c1", "a", 0)
		if err != nil {
			t.Fatalf("Transcript: %v", err)
		}
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = e.ID + ":" + e.Status
		}
		return out
	}
	wantStrings(t, "before sends", statuses(), "tr-k1:", "cmd-1:", "cmd-2:")

	err := s.RecordSends(ctx(t), []persistence.Send{
		{CommandID: "cmd-1", ClinicID: "c1", LeadID: "a", Carrier: "telnyx", ProviderID: "prov-1", Status: "sent", SentAt: t0},
		{CommandID: "cmd-3", ClinicID: "c1", LeadID: "a", Carrier: "telnyx", Status: "failed", ErrorCode: "40001", SentAt: t0},
	})
	if err != nil {
		t.Fatalf("RecordSends: %v", err)
	}
	// A send record whose command id is an inbound entry's id does not
	// give the inbound entry a status.
	if err := s.RecordSend(ctx(t), persistence.Send{CommandID: "tr-k1", ClinicID: "c1", LeadID: "a", Carrier: "telnyx", ProviderID: "prov-x", Status: "sent"}); err != nil {
		t.Fatalf("RecordSend: %v", err)
	}
	wantStrings(t, "after sends", statuses(), "tr-k1:", "cmd-1:sent", "cmd-2:")

	r := commit("c1", "a", 1, "receipt-1", t0.Add(time.Minute))
	r.Transcript = nil
	r.Deliveries = []persistence.Delivery{
		{ProviderID: "prov-1", Status: "delivered", At: t0.Add(time.Minute)},
		{ProviderID: "prov-unknown", Status: "failed", ErrorCode: "30007"},
		{ProviderID: "", Status: "delivered"}, // matches nothing, not even cmd-3
	}
	mustApply(t, s, r)
	wantStrings(t, "after receipt", statuses(), "tr-k1:", "cmd-1:delivered", "cmd-2:")
	if got, err := s.LookupSend(ctx(t), "cmd-1"); err != nil || got.Status != "delivered" || got.ErrorCode != "" || got.ProviderID != "prov-1" {
		t.Errorf("LookupSend(cmd-1) = %+v, %v; want delivered", got, err)
	}
	if got, err := s.LookupSend(ctx(t), "cmd-3"); err != nil || got.Status != "failed" || got.ErrorCode != "40001" {
		t.Errorf("LookupSend(cmd-3) = %+v, %v; want failed 40001 unchanged", got, err)
	}

	f := commit("c1", "a", 2, "receipt-2", t0.Add(2*time.Minute))
	f.Transcript = nil
	f.Deliveries = []persistence.Delivery{{ProviderID: "prov-1", Status: "failed", ErrorCode: "30003"}}
	mustApply(t, s, f)
	if got, err := s.LookupSend(ctx(t), "cmd-1"); err != nil || got.Status != "failed" || got.ErrorCode != "30003" {
		t.Errorf("LookupSend(cmd-1) = %+v, %v; want failed 30003", got, err)
	}
	wantStrings(t, "after failure", statuses(), "tr-k1:", "cmd-1:failed", "cmd-2:")
}
