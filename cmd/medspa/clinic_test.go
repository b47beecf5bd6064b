package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clinicsync"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// `medspa clinic add FILE` stores the file's clinic and a running process
// (here: a directory following the store and NATS as every process does)
// routes its number without a restart; adding it again fails.
func TestClinicAddReachesRunningProcesses(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url := testkit.NATS(t)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.EnsureStreams(ctx, js, bus.DefaultTopology()); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	env := map[string]string{"NATS_URL": url, "DATA_DIR": dataDir}
	getenv := func(k string) string { return env[k] }
	cfg := app.Defaults()
	cfg.DataDir = dataDir
	log := slog.New(slog.DiscardHandler)
	store, err := app.OpenStore(ctx, cfg, log, clock.Real)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	dir, err := clinicsync.Bootstrap(ctx, store, clinic.Demo(), log)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = clinicsync.Follow(ctx, nc, store, dir, time.Hour, log) }()
	waitFollowing(t, nc, store, dir)

	file := filepath.Join(t.TempDir(), "new.yaml")
	yaml := "clinics:\n  - id: glow-denver\n    name: Glow Denver\n    timezone: America/Denver\n    phone_numbers: [\"+17205550199\"]\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"clinic", "add", file}, getenv, &out, &out); err != nil {
		t.Fatalf("clinic add: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "clinic glow-denver added (version 1)") {
		t.Errorf("output = %q", out.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for dir.Version("glow-denver") != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if c, ok := dir.ByNumber("+17205550199"); !ok || c.ID != "glow-denver" {
		t.Fatal("the running process does not route the new clinic's number")
	}
	out.Reset()
	if err := run(ctx, []string{"clinic", "add", file}, getenv, &out, &out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("second add: %v, want the clinic exists", err)
	}
}

// waitFollowing returns once Follow's subscription is live: a settings
// change of a demo clinic announced on NATS has been reloaded.
func waitFollowing(t *testing.T, nc *nats.Conn, store persistence.Store, dir *directory.Directory) {
	t.Helper()
	c := clinic.Demo()[0]
	c.Name += " (renamed)"
	b, _ := clinic.EncodeSettings(c)
	if err := store.SaveClinicSettings(context.Background(), persistence.ClinicSettings{ClinicID: c.ID, Version: 1, Settings: b, UpdatedBy: "test"}); err != nil {
		t.Fatal(err)
	}
	ev, _ := json.Marshal(messages.Event{V: messages.Version, ID: "settings:x:2", Type: messages.EventSettingsChanged, ClinicID: c.ID, LeadID: messages.ClinicToken})
	deadline := time.Now().Add(10 * time.Second)
	for dir.Version(c.ID) != 2 && time.Now().Before(deadline) {
		_ = nc.Publish(messages.EventSubject(c.ID, messages.ClinicToken, messages.EventSettingsChanged), ev)
		time.Sleep(20 * time.Millisecond)
	}
	if dir.Version(c.ID) != 2 {
		t.Fatal("Follow never reloaded")
	}
}
