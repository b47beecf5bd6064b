package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func testOutboxLifecycle(t *testing.T, s persistence.Store) {
	if n, age, err := s.OutboxBacklog(ctx(t), t0); err != nil || n != 0 || age != 0 {
		t.Errorf("empty backlog = %d, %v, %v; want 0, 0", n, age, err)
	}
	a := commit("c1", "a", 0, "a", t0)
	a.Outbox = append(a.Outbox, persistence.OutboxRow{ID: "ob-a-second", Subject: "s", Payload: []byte("x"), Created: t0})
	b := commit("c1", "b", 0, "b", t0.Add(time.Second))
	c := commit("c1", "c", 0, "c", t0.Add(2*time.Second))
	mustApply(t, s, c, a) // c written first: pending is ordered by creation time
	mustApply(t, s, b)

	pending := func(olderThan time.Time, limit int) []string {
		t.Helper()
		rows, err := s.PendingOutbox(ctx(t), olderThan, limit)
		if err != nil {
			t.Fatalf("PendingOutbox: %v", err)
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		return ids
	}
	wantStrings(t, "pending at t0+1s", pending(t0.Add(time.Second), 10), "ob-a", "ob-a-second", "ob-b")
	wantStrings(t, "pending before t0", pending(t0.Add(-time.Microsecond), 10))
	wantStrings(t, "pending limit 2", pending(t0.Add(time.Hour), 2), "ob-a", "ob-a-second")

	now := t0.Add(10 * time.Second)
	wantBacklog := func(n int, age time.Duration) {
		t.Helper()
		gotN, gotAge, err := s.OutboxBacklog(ctx(t), now)
		if err != nil || gotN != n || gotAge != age {
			t.Errorf("backlog = %d, %v, %v; want %d, %v", gotN, gotAge, err, n, age)
		}
	}
	wantBacklog(4, now.Sub(us(t0)))

	if err := s.MarkPublished(ctx(t), []string{"ob-a", "ob-a-second", "unknown"}); err != nil {
		t.Fatalf("MarkPublished: %v", err)
	}
	wantStrings(t, "pending after publish", pending(t0.Add(time.Hour), 10), "ob-b", "ob-c")
	wantBacklog(2, now.Sub(us(t0.Add(time.Second))))
	if err := s.MarkPublished(ctx(t), nil); err != nil {
		t.Errorf("MarkPublished(nil): %v", err)
	}
	if err := s.MarkPublished(ctx(t), []string{"ob-b", "ob-c", "ob-b"}); err != nil {
		t.Fatalf("MarkPublished: %v", err)
	}
	wantBacklog(0, 0)

	// A row newer than now has no age.
	mustApply(t, s, commit("c1", "d", 0, "d", now.Add(time.Minute)))
	wantBacklog(1, 0)
}

func testOutboxDuplicateID(t *testing.T, s persistence.Store) {
	a := commit("c1", "a", 0, "a", t0)
	b := commit("c1", "b", 0, "b", t0)
	b.Outbox[0].ID = "ob-a"
	mustApply(t, s, a, b)
	if _, err := s.LoadSnapshot(ctx(t), "c1", "b"); err != nil {
		t.Errorf("second commit not applied: %v", err)
	}
	wantStrings(t, "outbox", outboxIDs(t, s), "ob-a")
}

func testSends(t *testing.T, s persistence.Store) {
	send := persistence.Send{
		CommandID: "cmd-1", ClinicID: "c1", LeadID: "l1", Carrier: "telnyx",
		ProviderID: "prov-1", Status: "queued", ErrorCode: "e-1", SentAt: t0,
	}
	if err := s.RecordSend(ctx(t), send); err != nil {
		t.Fatalf("RecordSend: %v", err)
	}
	again := send
	again.ProviderID, again.Status = "prov-2", "sent"
	if err := s.RecordSend(ctx(t), again); !errors.Is(err, persistence.ErrDuplicate) {
		t.Errorf("second RecordSend err = %v, want ErrDuplicate", err)
	}
	got, err := s.LookupSend(ctx(t), "cmd-1")
	if err != nil {
		t.Fatalf("LookupSend: %v", err)
	}
	sentAt := got.SentAt
	want := send
	want.SentAt, got.SentAt = time.Time{}, time.Time{}
	if got != want || !sentAt.Equal(us(t0)) {
		t.Errorf("LookupSend = %+v sent at %v, want %+v sent at %v", got, sentAt, want, us(t0))
	}
	if _, err := s.LookupSend(ctx(t), "cmd-2"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("LookupSend(unknown) err = %v, want ErrNotFound", err)
	}
}

func testPingAndClose(t *testing.T, s persistence.Store) {
	if err := s.Ping(ctx(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Ping(ctx(t)); err == nil {
		t.Error("Ping after Close succeeded")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func testRecordSends(t *testing.T, s persistence.Store) {
	first := persistence.Send{CommandID: "cmd-a", ClinicID: "c1", LeadID: "l1", Carrier: "telnyx", ProviderID: "prov-a", Status: "sent", SentAt: t0}
	if err := s.RecordSend(ctx(t), first); err != nil {
		t.Fatalf("RecordSend: %v", err)
	}
	changed := first
	changed.ProviderID = "prov-other"
	batch := []persistence.Send{
		changed, // already recorded: kept as it was
		{CommandID: "cmd-b", ClinicID: "c1", LeadID: "l1", Carrier: "telnyx", ProviderID: "prov-b", Status: "sent", SentAt: t0},
		{CommandID: "cmd-c", ClinicID: "c1", LeadID: "l2", Carrier: "twilio", ProviderID: "prov-c", Status: "sent", SentAt: t0},
		{CommandID: "cmd-d", ClinicID: "c1", LeadID: "l2", Carrier: "twilio", Status: "failed", ErrorCode: "21610", SentAt: t0},
	}
	if err := s.RecordSends(ctx(t), batch); err != nil {
		t.Fatalf("RecordSends: %v", err)
	}
	if err := s.RecordSends(ctx(t), nil); err != nil {
		t.Fatalf("RecordSends(nil): %v", err)
	}
	if got, err := s.LookupSend(ctx(t), "cmd-d"); err != nil || got.Status != "failed" || got.ErrorCode != "21610" {
		t.Errorf("LookupSend(cmd-d) = %+v, %v; want failed 21610", got, err)
	}
	for id, want := range map[string]string{"cmd-a": "prov-a", "cmd-b": "prov-b", "cmd-c": "prov-c", "cmd-d": ""} {
		got, err := s.LookupSend(ctx(t), id)
		if err != nil {
			t.Fatalf("LookupSend(%s): %v", id, err)
		}
		if got.ProviderID != want {
			t.Errorf("LookupSend(%s).ProviderID = %q, want %q", id, got.ProviderID, want)
		}
	}
}

// testSendsInFlight: a send recorded in flight before the carrier call
// takes the carrier's answer when it is recorded, or the carrier's id from
// a delivery receipt that names the command, whichever comes first; a
// record no longer in flight is never overwritten.
func testSendsInFlight(t *testing.T, s persistence.Store) {
	intent := func(id, lead string) persistence.Send {
		return persistence.Send{CommandID: id, ClinicID: "c1", LeadID: lead, Carrier: "telnyx", Status: persistence.SendInFlight, SentAt: t0}
	}
	for _, in := range []persistence.Send{intent("cmd-f1", "a"), intent("cmd-f2", "a"), intent("cmd-f3", "b")} {
		if err := s.RecordSend(ctx(t), in); err != nil {
			t.Fatalf("RecordSend(%s): %v", in.CommandID, err)
		}
	}
	if err := s.RecordSend(ctx(t), intent("cmd-f1", "a")); !errors.Is(err, persistence.ErrDuplicate) {
		t.Errorf("a second intent for cmd-f1: %v, want ErrDuplicate", err)
	}
	// The carrier's answer for cmd-f1 is recorded.
	if err := s.RecordSends(ctx(t), []persistence.Send{{CommandID: "cmd-f1", ClinicID: "c1", LeadID: "a", Carrier: "telnyx",
		ProviderID: "prov-f1", Status: "sent", SentAt: t0.Add(time.Second)}}); err != nil {
		t.Fatalf("RecordSends: %v", err)
	}
	// A receipt names cmd-f2 (its answer was never recorded: a crash).
	r := commit("c1", "a", 0, "receipt-f2", t0.Add(time.Minute))
	r.Transcript = nil
	r.Deliveries = []persistence.Delivery{{CommandID: "cmd-f2", ProviderID: "prov-f2", Status: "delivered"}}
	mustApply(t, s, r)
	// A late answer for cmd-f2 changes nothing now.
	if err := s.RecordSends(ctx(t), []persistence.Send{{CommandID: "cmd-f2", ClinicID: "c1", LeadID: "a", Carrier: "telnyx",
		ProviderID: "prov-other", Status: "sent", SentAt: t0.Add(2 * time.Minute)}}); err != nil {
		t.Fatalf("RecordSends: %v", err)
	}
	want := map[string][2]string{
		"cmd-f1": {"prov-f1", "sent"},
		"cmd-f2": {"prov-f2", "delivered"},
		"cmd-f3": {"", persistence.SendInFlight},
	}
	for id, w := range want {
		got, err := s.LookupSend(ctx(t), id)
		if err != nil || got.ProviderID != w[0] || got.Status != w[1] {
			t.Errorf("LookupSend(%s) = %q %q, %v; want %q %q", id, got.ProviderID, got.Status, err, w[0], w[1])
		}
	}
	if got, _ := s.LookupSend(ctx(t), "cmd-f3"); !got.SentAt.Equal(t0.Truncate(time.Microsecond)) {
		t.Errorf("cmd-f3 began at %v, want %v", got.SentAt, t0)
	}
}
