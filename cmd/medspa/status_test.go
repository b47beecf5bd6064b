package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

func TestScrapeValuesSumsSamples(t *testing.T) {
	text := `# HELP medspa_outbox_backlog Outbox rows not yet published.
# TYPE medspa_outbox_backlog gauge
medspa_outbox_backlog 7
medspa_outbox_backlog_other 100
medspa_outbox_oldest_seconds{node="a"} 2.5
medspa_outbox_oldest_seconds{node="b",x="}"} 1.5 1700000000000
`
	got := scrapeValues(strings.NewReader(text), "medspa_outbox_backlog", "medspa_outbox_oldest_seconds", "medspa_missing")
	if got["medspa_outbox_backlog"] != 7 || got["medspa_outbox_oldest_seconds"] != 4 {
		t.Errorf("got %v", got)
	}
	if _, ok := got["medspa_missing"]; ok {
		t.Errorf("a metric without samples is reported: %v", got)
	}
}

func TestRedactHidesNumbers(t *testing.T) {
	got := redact("invalid envelope: from +1 (312) 555-0123\n  bad kind")
	if strings.Contains(got, "555") || strings.Contains(got, "\n") || !strings.Contains(got, "[number]") {
		t.Errorf("redact = %q", got)
	}
	if long := redact(strings.Repeat("x", 300)); len(long) != 120 {
		t.Errorf("long error kept at %d characters", len(long))
	}
}

func TestStatusWriteSingleNodeAndCluster(t *testing.T) {
	r := statusReport{NATS: "nats://127.0.0.1:4222", Gateway: "http://127.0.0.1:8080",
		Streams:   []streamStatus{{Name: "MEDSPA_IN", Msgs: 12, Bytes: 2048}},
		Consumers: []consumerStatus{{Stream: "MEDSPA_IN", Name: "engine-p0", Pending: 3}, {Stream: "MEDSPA_IN", Name: "engine-p1"}, {Stream: "MEDSPA_OUT", Name: "sender", AckPending: 1}},
		DLQ:       1, Dead: []deadStatus{{Subject: "medspa.part.0.glow-chicago.ld_1.sms", Error: "bad kind", At: time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)}}}
	var b bytes.Buffer
	r.write(&b)
	out := b.String()
	for _, want := range []string{"MEDSPA_IN", "2.0 KiB", "single node (serve)", "Outbox: unknown", "Dead letters: 1",
		"2026-11-20T18:00:00Z", "medspa.part.0.glow-chicago.ld_1.sms", "bad kind"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(lineOf(out, "engine-p0"), "serve") {
		t.Errorf("partition owner in single-node mode: %q", lineOf(out, "engine-p0"))
	}

	r.Nodes, r.Owners = []string{"node-a", "node-b"}, []string{"node-b", "node-a"}
	r.Outbox = &outboxStatus{Backlog: 4, OldestSeconds: 2.4}
	b.Reset()
	r.write(&b)
	out = b.String()
	if !strings.Contains(lineOf(out, "engine-p0"), "node-b") || !strings.Contains(lineOf(out, "engine-p1"), "node-a") {
		t.Errorf("partition owners:\n%s", out)
	}
	if !strings.Contains(out, "Engine nodes: 2 (node-a, node-b)") || !strings.Contains(out, "Outbox: 4 unpublished, oldest 2s") {
		t.Errorf("cluster summary:\n%s", out)
	}
}

func lineOf(out, word string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, word) {
			return l
		}
	}
	return ""
}

// TestStatusAgainstNATS runs the command against an embedded server with a
// dead letter whose body holds a phone number: the body never shows.
func TestStatusAgainstNATS(t *testing.T) {
	url := testkit.NATS(t)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := bus.EnsureStreams(ctx, js, bus.DefaultTopology()); err != nil {
		t.Fatal(err)
	}
	dl, _ := json.Marshal(messages.DeadLetter{V: 1, Subject: "medspa.cmd.sms.glow-chicago.ld_1", Error: "carrier refused +13125550123",
		At: time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC), Data: []byte(`{"to":"+13125550123","text":"Botox is $12 per unit."}`)})
	if _, err := js.Publish(ctx, messages.DeadSubject("sms"), dl); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"NATS_URL": url, "PORT": "1"}
	var out bytes.Buffer
	if err := runStatus(ctx, nil, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"MEDSPA_IN", "MEDSPA_OUT", "MEDSPA_EVT", "MEDSPA_DLQ", "engine-p0", "sender", "payments",
		"single node (serve)", "Dead letters: 1", "medspa.cmd.sms.glow-chicago.ld_1", "carrier refused [number]"} {
		if !strings.Contains(s, want) {
			t.Errorf("status lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "5550123") || strings.Contains(s, "Botox") {
		t.Errorf("status shows a number or a message body:\n%s", s)
	}
}
