package gateway_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/sqlite"
)

func withEvents(src gateway.EventSource) option { return func(c *gateway.Config) { c.Events = src } }
func withDone(done <-chan struct{}) option      { return func(c *gateway.Config) { c.Done = done } }

// surface is a gateway over a real JetStream and NATS event source, with
// a store seeded by inboxStore.
type surface struct {
	*env
	js     jetstream.JetStream
	stream jetstream.Stream
	store  persistence.Store
}

func newSurface(t *testing.T, opts ...option) *surface {
	t.Helper()
	js, st := startJetStream(t)
	store := inboxStore(t)
	all := append([]option{withPublisher(jsPublisher{js: js}), withStore(store), withEvents(gateway.NATSEvents{Conn: js.Conn()})}, opts...)
	e := newEnv(t, all...)
	e.stream = st
	return &surface{env: e, js: js, stream: st, store: store}
}

// The conversations of inboxStore, newest first, all of clinic_a but the
// last. Bo Diaz has a booking and asks about another service.
var inboxConvs = []struct {
	number, name, phase string
	age                 time.Duration
	booked              bool
	urgent              bool // a possible emergency no person answered yet
}{
	{"+13125550101", "Ann Lee", "handed_to_staff", 1 * time.Minute, false, false},
	{"+13125550102", "Bo Diaz", "offering", 2 * time.Minute, true, false},
	{"+13125550103", "", "new", 3 * time.Minute, false, false},
	{"+13125550104", "Cy Annan", "handed_to_staff", 4 * time.Minute, false, false},
	{"+13125550105", "Di Park", "booked", 5 * time.Minute, true, false},
	{"+17085550106", "Ed Ng", "qualifying", 6 * time.Hour, false, false},
	{"+13125550107", "Flo Ray", "handed_to_staff", 7 * time.Hour, true, true},
}

func inboxLead(i int) string { return messages.LeadID("clinic_a", inboxConvs[i].number) }

// inboxStore holds inboxConvs in clinic_a, one conversation of clinic_b,
// and for the first conversation: a state, a transcript with a delivered
// reply, a timer, consent entries and appointments on the clinic calendar.
func inboxStore(t *testing.T) persistence.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	var commits []persistence.Commit
	for i, c := range inboxConvs {
		lead := inboxLead(i)
		at := testNow.Add(-c.age)
		commits = append(commits, persistence.Commit{DedupKey: "seed:" + lead, Snapshot: persistence.Snapshot{
			ClinicID: "clinic_a", LeadID: lead, Phone: c.number, Name: c.name, Phase: c.phase, HasBooking: c.booked,
			State:     []byte(fmt.Sprintf(`{"phase":%q,"name":%q,"service_id":"botox","patient":"new","recent":[{"dir":"in","text":"hi"}],"urgent":%t}`, c.phase, c.name, c.urgent)),
			CreatedAt: at.Add(-time.Hour), UpdatedAt: at,
		}})
	}
	first := &commits[0]
	lead := inboxLead(0)
	first.Transcript = []persistence.TranscriptEntry{
		{ID: "in-1", ClinicID: "clinic_a", LeadID: lead, Direction: "in", Author: "lead", Text: "Can a person call me?", At: testNow.Add(-3 * time.Minute)},
		{ID: "out-1", ClinicID: "clinic_a", LeadID: lead, Direction: "out", Author: "engine", Text: "Someone from the team will text you.", At: testNow.Add(-2 * time.Minute)},
		{ID: "out-2", ClinicID: "clinic_a", LeadID: lead, Direction: "out", Author: "staff:amy", Text: "Hi Ann, Amy here.", At: testNow.Add(-time.Minute)},
	}
	first.Timers = []persistence.Timer{{ID: "nudge", ClinicID: "clinic_a", LeadID: lead, Kind: "nudge", DueAt: testNow.Add(time.Hour), Payload: []byte(`{}`)}}
	first.Consent = []persistence.ConsentEvent{
		{ClinicID: "clinic_a", Phone: inboxConvs[0].number, At: testNow.Add(-time.Hour), Kind: "granted", Source: "inbound_text", Text: "hi"},
		{ClinicID: "clinic_a", Phone: inboxConvs[0].number, At: testNow.Add(-30 * time.Minute), Kind: "revoked", Source: "inbound_text", Text: "STOP"},
	}
	other := messages.LeadID("clinic_b", "+13055550111")
	commits = append(commits, persistence.Commit{DedupKey: "seed:" + other, Snapshot: persistence.Snapshot{
		ClinicID: "clinic_b", LeadID: other, Phone: "+13055550111", Name: "Ann Other", Phase: "handed_to_staff",
		State: []byte(`{}`), CreatedAt: testNow.Add(-time.Hour), UpdatedAt: testNow,
	}})
	res, err := s.Apply(ctx, commits)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	for i, r := range res {
		if r != nil {
			t.Fatalf("seed commit %d: %v", i, r)
		}
	}
	if err := s.RecordSend(ctx, persistence.Send{CommandID: "out-1", ClinicID: "clinic_a", LeadID: lead, Carrier: "telnyx",
		ProviderID: "p-1", Status: "delivered", SentAt: testNow.Add(-2 * time.Minute)}); err != nil {
		t.Fatalf("record send: %v", err)
	}
	cal := clinic.Calendar{Appointments: []clinic.Appointment{
		{ID: "ap_later", LeadID: lead, ServiceID: "botox", Start: testNow.Add(48 * time.Hour), End: testNow.Add(48*time.Hour + 30*time.Minute), Status: clinic.StatusBooked},
		{ID: "ap_past", LeadID: lead, ServiceID: "botox", Start: testNow.Add(-48 * time.Hour), End: testNow.Add(-47 * time.Hour), Status: clinic.StatusBooked},
		{ID: "ap_soon", LeadID: inboxLead(1), ServiceID: "filler", Start: testNow.Add(24 * time.Hour), End: testNow.Add(25 * time.Hour), Status: clinic.StatusHeld, HoldUntil: testNow.Add(10 * time.Minute)},
		{ID: "ap_lapsed", LeadID: inboxLead(2), ServiceID: "filler", Start: testNow.Add(26 * time.Hour), End: testNow.Add(27 * time.Hour), Status: clinic.StatusHeld, HoldUntil: testNow.Add(-time.Minute)},
		{ID: "ap_cancelled", LeadID: inboxLead(3), ServiceID: "botox", Start: testNow.Add(30 * time.Hour), End: testNow.Add(31 * time.Hour), Status: clinic.StatusCancelled},
	}}
	b, _ := json.Marshal(cal)
	if err := s.SaveClinic(ctx, persistence.ClinicSnapshot{ClinicID: "clinic_a", State: b, UpdatedAt: testNow}); err != nil {
		t.Fatalf("save calendar: %v", err)
	}
	return s
}

func (e *env) post(path, token string, body string) *http.Response {
	e.t.Helper()
	return e.sendJSON(http.MethodPost, path, token, body)
}

// sendJSON sends a JSON body with the token (when set) and extra header
// name, value pairs.
func (e *env) sendJSON(method, path, token, body string, header ...string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.do(req)
}

// sseReader reads Server-Sent Events one at a time.
type sseReader struct{ r *bufio.Reader }

type sseEvent struct{ event, id, data string }

// next returns the next event, skipping comments.
func (s sseReader) next(t *testing.T) sseEvent {
	t.Helper()
	var ev sseEvent
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			t.Fatalf("read event stream: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if ev.event != "" || ev.data != "" {
				return ev
			}
		case strings.HasPrefix(line, ":"), strings.HasPrefix(line, "retry:"):
		case strings.HasPrefix(line, "event: "):
			ev.event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "id: "):
			ev.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			ev.data = strings.TrimPrefix(line, "data: ")
		default:
			t.Fatalf("unexpected line %q", line)
		}
	}
}

func eventJSON(t *testing.T, id, clinicID, leadID, typ string) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(messages.Event{V: messages.Version, ID: id, Type: typ, ClinicID: clinicID, LeadID: leadID, At: testNow,
		Data: json.RawMessage(`{"from": "offering",` + "\n" + ` "to": "handed_to_staff"}`)})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
