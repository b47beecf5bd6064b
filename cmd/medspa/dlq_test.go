package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

// dlqRig is an embedded NATS server with the engine's streams.
type dlqRig struct {
	t    *testing.T
	url  string
	js   jetstream.JetStream
	cons jetstream.Consumer // glow-chicago's partition, pinned to this rig
}

func newDLQRig(t *testing.T) *dlqRig {
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
	if err := bus.EnsureStreams(context.Background(), js, bus.DefaultTopology()); err != nil {
		t.Fatal(err)
	}
	return &dlqRig{t: t, url: url, js: js}
}

// run runs `medspa dlq args...` against the rig and returns its output.
func (r *dlqRig) run(args ...string) (string, error) {
	r.t.Helper()
	var out bytes.Buffer
	env := map[string]string{"NATS_URL": r.url}
	err := run(context.Background(), append([]string{"dlq"}, args...), func(k string) string { return env[k] }, &out, &out)
	return out.String(), err
}

func (r *dlqRig) mustRun(args ...string) string {
	r.t.Helper()
	out, err := r.run(args...)
	if err != nil {
		r.t.Fatalf("medspa dlq %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// partitionConsumer is the consumer of the partition of glow-chicago. The
// rig keeps one handle: the first fetch pins the partition to it.
func (r *dlqRig) partitionConsumer(clinicID string) jetstream.Consumer {
	r.t.Helper()
	if r.cons != nil {
		return r.cons
	}
	ctx := context.Background()
	st, err := r.js.Stream(ctx, messages.StreamInbound)
	if err != nil {
		r.t.Fatal(err)
	}
	cons, err := st.Consumer(ctx, messages.PartitionConsumer(messages.PartitionOf(clinicID, bus.DefaultTopology().Partitions)))
	if err != nil {
		r.t.Fatal(err)
	}
	r.cons = cons
	return cons
}

func fetchOne(t *testing.T, cons jetstream.Consumer) jetstream.Msg {
	t.Helper()
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second), jetstream.FetchPriorityGroup(bus.PriorityGroup))
	if err != nil {
		t.Fatal(err)
	}
	for m := range batch.Messages() {
		return m
	}
	t.Fatal("no message delivered")
	return nil
}

// deadInbound publishes an inbound message the way the gateway does, takes
// it from its partition as the engine does and dead-letters it the way the
// engine does; it returns the original message's data.
func (r *dlqRig) deadInbound(id, leadID string, at time.Time) []byte {
	r.t.Helper()
	ctx := context.Background()
	data := []byte(`{"v":1,"id":"` + id + `","kind":"sms","clinic_id":"glow-chicago","lead_id":"` + leadID +
		`","phone":"+13125550123","sms":{"from":"+13125550123","to":"+17735550100","text":"Is Botox $12?"}}`)
	origin := time.Date(2026, 12, 8, 20, 0, 0, 0, time.UTC)
	if err := (bus.Publisher{JS: r.js}).Publish(ctx, messages.InboundSubject("glow-chicago", leadID, messages.KindSMS), id, data, origin); err != nil {
		r.t.Fatal(err)
	}
	m := fetchOne(r.t, r.partitionConsumer("glow-chicago"))
	dl := bus.NewDeadLetter("inbound", m, errors.New("decode snapshot: invalid character for +13125550123"), "snapshot_undecodable", at)
	dl.Snapshot = []byte("{broken")
	if _, err := bus.PublishDeadLetter(ctx, r.js, dl); err != nil {
		r.t.Fatal(err)
	}
	if err := m.Term(); err != nil {
		r.t.Fatal(err)
	}
	return data
}

func (r *dlqRig) deadCount() uint64 {
	r.t.Helper()
	st, err := r.js.Stream(context.Background(), messages.StreamDead)
	if err != nil {
		r.t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return info.State.Msgs
}

// The commands against an embedded NATS: list and show hide numbers and
// texts, replay republishes the original message to its original subject
// with its headers (inside JetStream's duplicate window too) and removes
// the dead letter, drop removes one.
func TestDLQCommands(t *testing.T) {
	r := newDLQRig(t)
	now := time.Now()
	original := r.deadInbound("telnyx:evt-1", "ld_aaaa", now.Add(-time.Minute)) // dead letter 1
	// Dead letter 2: a send command, written before dead letters recorded
	// their source, replay subject and headers.
	old, _ := json.Marshal(messages.DeadLetter{V: 1, Subject: "medspa.cmd.sms.glow-chicago.ld_bbbb", MsgID: "cmd-7", Error: "carrier refused +13125550199",
		At: now.Add(-2 * time.Minute), Data: []byte(`{"id":"cmd-7","to":"+13125550199","text":"Botox is $12 per unit."}`)})
	if _, err := r.js.Publish(context.Background(), messages.DeadSubject("sms"), old); err != nil {
		t.Fatal(err)
	}

	list := r.mustRun("list")
	for _, want := range []string{"ID", "snapshot_undecodable", "medspa.part.", "medspa.cmd.sms.glow-chicago.ld_bbbb", "inbound", "sms", "2 dead letters"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "5550123") || strings.Contains(list, "5550199") {
		t.Errorf("list shows a number:\n%s", list)
	}
	if l := r.mustRun("list", "--source", "sms"); !strings.Contains(l, "1 dead letter\n") || strings.Contains(l, "snapshot_undecodable") {
		t.Errorf("list --source sms:\n%s", l)
	}

	show := r.mustRun("show", "1")
	for _, want := range []string{"snapshot_undecodable", "replay to", "medspa.in.glow-chicago.ld_aaaa.sms", "telnyx:evt-1",
		messages.HeaderOrigin, "+1********23", "[13 characters]", "7 bytes that could not be decoded"} {
		if !strings.Contains(show, want) {
			t.Errorf("show 1 lacks %q:\n%s", want, show)
		}
	}
	if strings.Contains(show, "Nats-Pin-Id") {
		t.Errorf("show lists a header JetStream added on delivery:\n%s", show)
	}
	if strings.Contains(show, "Botox") || strings.Contains(show, "5550123") {
		t.Errorf("show prints a text or a number without --raw:\n%s", show)
	}
	if raw := r.mustRun("show", "2", "--raw"); !strings.Contains(raw, "Botox is $12 per unit.") || !strings.Contains(raw, "medspa.cmd.sms.glow-chicago.ld_bbbb") {
		t.Errorf("show --raw:\n%s", raw)
	}

	// Replay: the original subject, data and headers; the dead letter goes.
	out := r.mustRun("replay", "1")
	if !strings.Contains(out, "1: replayed to medspa.in.glow-chicago.ld_aaaa.sms") {
		t.Errorf("replay:\n%s", out)
	}
	m := fetchOne(t, r.partitionConsumer("glow-chicago"))
	if !bytes.Equal(m.Data(), original) {
		t.Errorf("replayed data %s, want %s", m.Data(), original)
	}
	if _, clinicID, leadID, kind, ok := messages.ParsePartitioned(m.Subject()); !ok || clinicID != "glow-chicago" || leadID != "ld_aaaa" || kind != messages.KindSMS {
		t.Errorf("replayed to %s", m.Subject())
	}
	h := m.Headers()
	if h.Get(messages.HeaderOrigin) != "2026-12-08T20:00:00Z" || h.Get(jetstream.MsgIDHeader) != "telnyx:evt-1~replay-1" || h.Get(bus.HeaderReplayOf) != "1" {
		t.Errorf("replayed headers %v", h)
	}
	_ = m.Ack()
	if n := r.deadCount(); n != 1 {
		t.Errorf("%d dead letters after the replay, want 1", n)
	}
	if _, err := r.run("show", "1"); err == nil {
		t.Error("a replayed dead letter can still be shown")
	}

	// The old-format send command goes back to its own subject.
	out = r.mustRun("replay", "2")
	if !strings.Contains(out, "2: replayed to medspa.cmd.sms.glow-chicago.ld_bbbb") {
		t.Errorf("replay of an old dead letter:\n%s", out)
	}
	if n := r.deadCount(); n != 0 {
		t.Errorf("%d dead letters left, want 0", n)
	}

	// Drop.
	r.deadInbound("telnyx:evt-3", "ld_cccc", now) // dead letter 3
	_ = r.mustRun("drop", "3")
	if l := r.mustRun("list"); !strings.Contains(l, "0 dead letters") {
		t.Errorf("after drop:\n%s", l)
	}
	if _, err := r.run("replay", "x"); err == nil {
		t.Error("replay of a bad id succeeded")
	}
}

// replay --all --since replays the recent dead letters, oldest first, and
// leaves the older ones.
func TestDLQReplayAllSince(t *testing.T) {
	r := newDLQRig(t)
	now := time.Now()
	r.deadInbound("telnyx:old", "ld_aaaa", now.Add(-3*time.Hour))      // 1
	r.deadInbound("telnyx:new-1", "ld_aaaa", now.Add(-20*time.Minute)) // 2
	r.deadInbound("telnyx:new-2", "ld_aaaa", now.Add(-10*time.Minute)) // 3
	out := r.mustRun("replay", "--all", "--since", "1h")
	if !strings.Contains(out, "2 replayed, 0 failed") || strings.Index(out, "2: replayed") > strings.Index(out, "3: replayed") {
		t.Errorf("replay --all --since 1h:\n%s", out)
	}
	cons := r.partitionConsumer("glow-chicago")
	for _, want := range []string{"telnyx:new-1~replay-2", "telnyx:new-2~replay-3"} {
		m := fetchOne(t, cons)
		if got := m.Headers().Get(jetstream.MsgIDHeader); got != want {
			t.Errorf("replayed %s, want %s (oldest first)", got, want)
		}
		_ = m.Ack()
	}
	if l := r.mustRun("list"); !strings.Contains(l, "1 dead letter\n") || !strings.Contains(l, "\n1 ") {
		t.Errorf("the older dead letter stays:\n%s", l)
	}
	if _, err := r.run("replay", "1", "--since", "1h"); err == nil {
		t.Error("--since without --all is accepted")
	}
}

// status counts the dead letters by source and names them by id.
func TestStatusCountsDeadLettersBySource(t *testing.T) {
	r := newDLQRig(t)
	r.deadInbound("telnyx:evt-1", "ld_aaaa", time.Now())
	var out bytes.Buffer
	env := map[string]string{"NATS_URL": r.url, "PORT": "1"}
	if err := runStatus(context.Background(), nil, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"Dead letters: 1 (inbound 1, payment 0, sms 0)", "snapshot_undecodable", "medspa dlq"} {
		if !strings.Contains(s, want) {
			t.Errorf("status lacks %q:\n%s", want, s)
		}
	}
}

// Without NATS_URL the operator commands talk to medspa serve's embedded
// server where it listens: NATS_LISTEN, else the address the running serve
// recorded in DATA_DIR; never to another server at that address.
func TestOperatorCommandsFindServe(t *testing.T) {
	dataDir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// serve's passwords, created in DATA_DIR/dev-keys as make run does.
	passwords, err := app.NATSPasswords(app.Config{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	opsPass, watchPass := passwords[bus.RoleOps], passwords[bus.RoleWatch]
	emb, err := bus.StartEmbedded(bus.EmbeddedOptions{StoreDir: filepath.Join(dataDir, "nats"), Listen: addr,
		AddressFile: filepath.Join(dataDir, "nats-address"), Passwords: passwords})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Shutdown)
	if emb.Listening != addr {
		t.Fatalf("embedded server listens on %q, want %s", emb.Listening, addr)
	}
	nc, err := emb.Connect("test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.EnsureStreams(context.Background(), js, bus.DefaultTopology()); err != nil {
		t.Fatal(err)
	}
	status := func(env map[string]string) (string, error) {
		var out bytes.Buffer
		env["PORT"] = "1"
		err := runStatus(context.Background(), nil, func(k string) string { return env[k] }, &out)
		return out.String(), err
	}
	// DATA_DIR only: the address serve recorded.
	if out, err := status(map[string]string{"DATA_DIR": dataDir}); err != nil || !strings.Contains(out, "MEDSPA_DLQ") {
		t.Errorf("status with DATA_DIR: %v\n%s", err, out)
	}
	// NATS_LISTEN: the address serve was given, with the password from
	// the environment.
	if out, err := status(map[string]string{"DATA_DIR": t.TempDir(), "NATS_LISTEN": addr, "NATS_OPS_PASSWORD": opsPass}); err != nil || !strings.Contains(out, addr) {
		t.Errorf("status with NATS_LISTEN: %v\n%s", err, out)
	}
	// Without the ops password (another DATA_DIR) or with the watch
	// user's: refused by the server.
	if _, err := status(map[string]string{"DATA_DIR": t.TempDir(), "NATS_LISTEN": addr}); err == nil || !strings.Contains(err.Error(), "uthorization") {
		t.Errorf("status without credentials: %v", err)
	}
	if _, err := status(map[string]string{"DATA_DIR": t.TempDir(), "NATS_LISTEN": addr, "NATS_OPS_PASSWORD": watchPass}); err == nil {
		t.Error("status with the watch password connected as ops")
	}
	// Another NATS server at the address: refused, not reported on.
	stranger := strings.TrimPrefix(testkit.NATS(t), "nats://")
	if _, err := status(map[string]string{"DATA_DIR": t.TempDir(), "NATS_LISTEN": stranger}); err == nil || !strings.Contains(err.Error(), "not medspa serve's embedded server") {
		t.Errorf("status against another server: %v", err)
	}
	var out bytes.Buffer
	err = run(context.Background(), []string{"dlq", "list"}, func(k string) string { return map[string]string{"NATS_LISTEN": stranger}[k] }, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "not medspa serve's embedded server") {
		t.Errorf("dlq against another server: %v", err)
	}
	// A serve running in-process only says so.
	inproc := t.TempDir()
	if err := os.WriteFile(filepath.Join(inproc, "nats-address"), []byte("\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := status(map[string]string{"DATA_DIR": inproc}); err == nil || !strings.Contains(err.Error(), "in-process only") {
		t.Errorf("status against an in-process serve: %v", err)
	}
	// The address file goes with the server.
	emb.Shutdown()
	if _, err := os.Stat(filepath.Join(dataDir, "nats-address")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("address file after shutdown: %v", err)
	}
}
