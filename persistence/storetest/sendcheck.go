package storetest

import (
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func sendCheck(t *testing.T, s persistence.Store, command, clinic, lead, phone string) persistence.SendCheck {
	t.Helper()
	c, err := s.SendCheck(ctx(t), command, clinic, lead, phone)
	if err != nil {
		t.Fatalf("SendCheck(%s, %s, %s): %v", command, clinic, lead, err)
	}
	return c
}

// SendCheck finds nothing in an empty store, then the lead's number (after
// an update too) and the command's send record as it changes; another
// clinic's lead of the same id and another command are not found.
func testSendCheck(t *testing.T, s persistence.Store) {
	const phone = "+15550000000"
	if got := sendCheck(t, s, "cmd-1", "c1", "l1", phone); got != (persistence.SendCheck{}) {
		t.Fatalf("SendCheck on an empty store = %+v, want nothing found", got)
	}
	mustApply(t, s, commit("c1", "l1", 0, "k1", t0))
	got := sendCheck(t, s, "cmd-1", "c1", "l1", phone)
	if !got.HasLead || got.LeadPhone != phone || got.HasSend || got.Consent != "" {
		t.Errorf("SendCheck after the first commit = %+v, want the lead's %s and no send", got, phone)
	}
	if got := sendCheck(t, s, "cmd-1", "c2", "l1", phone); got.HasLead {
		t.Errorf("SendCheck of another clinic's lead l1 = %+v, want no lead", got)
	}
	up := commit("c1", "l1", 1, "k2", t0.Add(time.Minute))
	up.Snapshot.Phone = "+15551112222"
	mustApply(t, s, up)
	if got := sendCheck(t, s, "cmd-1", "c1", "l1", phone); !got.HasLead || got.LeadPhone != "+15551112222" {
		t.Errorf("SendCheck after the number changed = %+v, want +15551112222", got)
	}

	inFlight := persistence.Send{CommandID: "cmd-1", ClinicID: "c1", LeadID: "l1", Carrier: "telnyx", Status: persistence.SendInFlight, SentAt: t0}
	if err := s.RecordSends(ctx(t), []persistence.Send{inFlight}); err != nil {
		t.Fatalf("RecordSends: %v", err)
	}
	if got := sendCheck(t, s, "cmd-1", "c1", "l1", phone); !got.HasSend || got.Send.Status != persistence.SendInFlight || !got.Send.SentAt.Equal(us(t0)) {
		t.Errorf("SendCheck with the in-flight record = %+v, want it in flight at %v", got, us(t0))
	}
	sent := persistence.Send{CommandID: "cmd-1", ClinicID: "c1", LeadID: "l1", Carrier: "telnyx", ProviderID: "prov-1", Status: "sent", SentAt: t0.Add(time.Second)}
	if err := s.RecordSends(ctx(t), []persistence.Send{sent}); err != nil {
		t.Fatalf("RecordSends: %v", err)
	}
	got = sendCheck(t, s, "cmd-1", "c1", "l1", phone)
	want, at := sent, us(sent.SentAt)
	want.SentAt, got.Send.SentAt = time.Time{}, got.Send.SentAt.UTC()
	if !got.HasSend || !got.Send.SentAt.Equal(at) {
		t.Errorf("SendCheck sent at %v, want %v", got.Send.SentAt, at)
	}
	got.Send.SentAt = time.Time{}
	if got.Send != want {
		t.Errorf("SendCheck's record = %+v, want %+v", got.Send, want)
	}
	if got := sendCheck(t, s, "cmd-2", "c1", "l1", phone); got.HasSend || got.Send != (persistence.Send{}) {
		t.Errorf("SendCheck of an unknown command = %+v, want no send", got)
	}
}

// SendCheck's consent state is the one the ledger reads
// (persistence.Ledger(...).State()) after every commit: ties in time go to
// the event written last, an event written later with an earlier time does
// not override, other numbers and clinics are apart.
func testSendCheckConsent(t *testing.T, s persistence.Store) {
	const phone, other = "+15550000000", "+15551111111"
	steps := [][]persistence.ConsentEvent{
		{{Kind: "granted", Source: "web_form", At: t0}},
		{{Kind: "revoked", Source: "inbound_text", Text: "STOP", At: t0.Add(time.Minute)}},
		// written later, earlier in time: the revocation stands
		{{Kind: "regranted", Source: "staff", At: t0.Add(30 * time.Second)}},
		// the same time as the revocation, written after it: it wins
		{{Kind: "regranted", Source: "inbound_text", Text: "START", At: t0.Add(time.Minute)}},
		// a tie within one commit: the last one written wins
		{{Kind: "regranted", Source: "inbound_text", At: t0.Add(2 * time.Minute)}, {Kind: "revoked", Source: "carrier", At: t0.Add(2 * time.Minute)}},
		// another number and another clinic change nothing here
		{{ClinicID: "c1", Phone: other, Kind: "granted", Source: "staff", At: t0.Add(3 * time.Minute)}, {ClinicID: "c2", Phone: phone, Kind: "granted", Source: "staff", At: t0.Add(3 * time.Minute)}},
	}
	wants := []string{"granted", "revoked", "revoked", "regranted", "revoked", "revoked"}
	for i, events := range steps {
		c := commit("c1", "l1", int64(i), "k"+string(rune('a'+i)), t0.Add(time.Duration(i)*time.Hour))
		c.Consent = events
		mustApply(t, s, c)
		got := sendCheck(t, s, "cmd", "c1", "l1", phone).Consent
		if ledger := persistence.Ledger(consentLedger(t, s, "c1", phone)).State(); got != ledger || got != wants[i] {
			t.Errorf("after step %d: SendCheck consent %q, ledger state %q, want %q", i, got, ledger, wants[i])
		}
	}
	if got := sendCheck(t, s, "cmd", "c1", "l1", other).Consent; got != "granted" {
		t.Errorf("SendCheck consent of the other number = %q, want granted", got)
	}
	if got := sendCheck(t, s, "cmd", "c3", "l1", phone).Consent; got != "" {
		t.Errorf("SendCheck consent at a clinic without events = %q, want none", got)
	}
}
