package clinicsync_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/nats-io/nats.go"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clinicsync"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/sqlite"
)

var log = slog.New(slog.DiscardHandler)

func openStore(t *testing.T) persistence.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func save(t *testing.T, s persistence.Store, version int64, c clinic.Clinic) {
	t.Helper()
	b, err := clinic.EncodeSettings(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveClinicSettings(context.Background(), persistence.ClinicSettings{ClinicID: c.ID, Version: version, Settings: b, UpdatedBy: "u"}); err != nil {
		t.Fatal(err)
	}
}

func name(d *directory.Directory, id string) string {
	c, _ := d.ByID(id)
	return c.Name
}

// The clinics file seeds the store once; after that the stored settings
// win over the file, and clinics new in the file are added.
func TestBootstrapSeedsOnceThenTheStoreWins(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	demo := clinic.Demo()
	dir, err := clinicsync.Bootstrap(ctx, store, demo, log)
	if err != nil {
		t.Fatal(err)
	}
	if len(dir.All()) != 2 || dir.Version(demo[0].ID) != 1 || dir.All()[0].ID != demo[0].ID {
		t.Fatalf("bootstrap: %d clinics, version %d", len(dir.All()), dir.Version(demo[0].ID))
	}
	edited := demo[0]
	edited.Name = "Glow Chicago (edited by staff)"
	save(t, store, 1, edited)

	file := clinic.Demo()
	file[0].Name = "Glow Chicago (file changed)"
	added := clinic.Clinic{ID: "new-clinic", Name: "New", Timezone: "UTC", PhoneNumbers: []string{"+13125558888"}}
	added.SetDefaults()
	file = append(file, added)
	dir, err = clinicsync.Bootstrap(ctx, store, file, log)
	if err != nil {
		t.Fatal(err)
	}
	if got := name(dir, demo[0].ID); got != edited.Name || dir.Version(demo[0].ID) != 2 {
		t.Errorf("after restart: %q at version %d, want the staff edit at version 2", got, dir.Version(demo[0].ID))
	}
	if dir.Version("new-clinic") != 1 || len(dir.All()) != 3 {
		t.Errorf("a clinic new in the file was not seeded: version %d, %d clinics", dir.Version("new-clinic"), len(dir.All()))
	}

	// Stored settings that no longer validate fall back to the file's.
	if err := store.SaveClinicSettings(ctx, persistence.ClinicSettings{ClinicID: demo[1].ID, Version: 1, Settings: []byte(`{"id":"radiance-miami"}`)}); err != nil {
		t.Fatal(err)
	}
	dir, err = clinicsync.Bootstrap(ctx, store, file, log)
	if err != nil {
		t.Fatal(err)
	}
	if got := name(dir, demo[1].ID); got != demo[1].Name {
		t.Errorf("unusable stored settings: clinic is %q, want the file's %q", got, demo[1].Name)
	}
}

// Another process's directory follows updates: at once on the event, and
// on the periodic reload when the event was missed.
func TestFollowReloadsOnEventAndSweep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := openStore(t)
	demo := clinic.Demo()
	dir, err := clinicsync.Bootstrap(ctx, store, demo, log)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(testkit.NATS(t))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	done := make(chan error, 1)
	go func() { done <- clinicsync.Follow(ctx, nc, store, dir, time.Hour, log) }()
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}

	id := demo[0].ID
	edited := demo[0]
	edited.Name = "Glow Chicago West"
	save(t, store, 1, edited)
	// Follow subscribes asynchronously: publish until it has reloaded.
	ev, _ := json.Marshal(messages.Event{V: messages.Version, ID: "settings:x:2", Type: messages.EventSettingsChanged, ClinicID: id, LeadID: messages.ClinicToken})
	deadline := time.Now().Add(10 * time.Second)
	for dir.Version(id) != 2 && time.Now().Before(deadline) {
		if err := nc.Publish(messages.EventSubject(id, messages.ClinicToken, messages.EventSettingsChanged), ev); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if dir.Version(id) != 2 || name(dir, id) != "Glow Chicago West" {
		t.Fatalf("after the event: %q at version %d", name(dir, id), dir.Version(id))
	}

	edited.Name = "Glow Chicago North"
	save(t, store, 2, edited)
	if err := clinicsync.ReloadAll(ctx, store, dir, log); err != nil {
		t.Fatal(err)
	}
	if dir.Version(id) != 3 || name(dir, id) != "Glow Chicago North" {
		t.Errorf("after the sweep: %q at version %d", name(dir, id), dir.Version(id))
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Follow: %v", err)
	}
}

// Unusable stored settings are logged by field, never with the values
// (a bad phone number stays out of the log).
func TestUnusableSettingsLogNoNumber(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	demo := clinic.Demo()
	if _, err := clinicsync.Bootstrap(ctx, store, demo, log); err != nil {
		t.Fatal(err)
	}
	bad := `{"id":"glow-chicago","name":"Glow","timezone":"America/Chicago","phone_numbers":["312-555-0177"]}`
	if err := store.SaveClinicSettings(ctx, persistence.ClinicSettings{ClinicID: "glow-chicago", Version: 1, Settings: []byte(bad)}); err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if _, err := clinicsync.Bootstrap(ctx, store, demo, slog.New(slog.NewJSONHandler(&buf, nil))); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "phone_numbers[0]") {
		t.Errorf("log does not name the field: %s", out)
	}
	if strings.Contains(out, "555-0177") || strings.Contains(out, "5550177") {
		t.Errorf("log quotes the number: %s", out)
	}
}

// A number staff gave a clinic (settings) that the clinics file later
// lists for a new clinic: every process still starts; the clinic that held
// the number keeps it, the new clinic is neither seeded nor loaded, and an
// error names it (without the number). Fixed in the file, it is added on
// the next start.
func TestBootstrapSkipsANewClinicWhoseNumberIsTaken(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	demo := clinic.Demo()
	if _, err := clinicsync.Bootstrap(ctx, store, demo, log); err != nil {
		t.Fatal(err)
	}
	const claimed = "+13125559999"
	glow := demo[0]
	glow.PhoneNumbers = append(append([]string(nil), glow.PhoneNumbers...), claimed)
	save(t, store, 1, glow)

	added := clinic.Clinic{ID: "new-clinic", Name: "New", Timezone: "UTC", PhoneNumbers: []string{claimed}}
	added.SetDefaults()
	file := append([]clinic.Clinic{added}, clinic.Demo()...) // listed first, still the later clinic
	var buf strings.Builder
	dir, err := clinicsync.Bootstrap(ctx, store, file, slog.New(slog.NewJSONHandler(&buf, nil)))
	if err != nil {
		t.Fatalf("Bootstrap refused to start: %v", err)
	}
	if c, ok := dir.ByNumber(claimed); !ok || c.ID != glow.ID {
		t.Errorf("the claimed number routes to %v, want %s", c, glow.ID)
	}
	if _, ok := dir.ByID("new-clinic"); ok || len(dir.All()) != 2 {
		t.Errorf("the later clinic was loaded: %d clinics", len(dir.All()))
	}
	if _, err := store.LoadClinicSettings(ctx, "new-clinic"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("the later clinic was seeded: %v", err)
	}
	out := buf.String()
	if !strings.Contains(out, `"level":"ERROR"`) || !strings.Contains(out, `"clinic_id":"new-clinic"`) {
		t.Errorf("no error names the skipped clinic: %s", out)
	}
	if strings.Contains(out, "5559999") {
		t.Errorf("log quotes the number: %s", out)
	}

	// Listed last, as an operator adds a clinic, it is skipped the same way.
	if dir, err := clinicsync.Bootstrap(ctx, store, append(clinic.Demo(), added), log); err != nil || len(dir.All()) != 2 {
		t.Fatalf("new clinic listed last: %v", err)
	}

	file[0].PhoneNumbers = []string{"+13125558888"}
	dir, err = clinicsync.Bootstrap(ctx, store, file, log)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := dir.ByNumber("+13125558888"); !ok || c.ID != "new-clinic" || dir.Version("new-clinic") != 1 {
		t.Errorf("the fixed clinic was not added: %v", c)
	}
	if dir.All()[0].ID != "new-clinic" {
		t.Errorf("directory order is not the file's: first %s", dir.All()[0].ID)
	}
}

// Two stored clinics claiming one number (written around a check): the
// one first in the file keeps it, the other falls back to the file's
// settings, and nothing stops the start.
func TestBootstrapStoredConflictFallsBack(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	demo := clinic.Demo()
	if _, err := clinicsync.Bootstrap(ctx, store, demo, log); err != nil {
		t.Fatal(err)
	}
	miami := demo[1]
	miami.PhoneNumbers = append(append([]string(nil), miami.PhoneNumbers...), demo[0].PhoneNumbers[0])
	save(t, store, 1, miami)
	dir, err := clinicsync.Bootstrap(ctx, store, demo, log)
	if err != nil {
		t.Fatalf("Bootstrap refused to start: %v", err)
	}
	if c, _ := dir.ByNumber(demo[0].PhoneNumbers[0]); c == nil || c.ID != demo[0].ID {
		t.Errorf("number moved to %v", c)
	}
	if c, _ := dir.ByID(miami.ID); c == nil || len(c.PhoneNumbers) != 1 || dir.Version(miami.ID) != 0 {
		t.Errorf("miami = %+v, want the file's settings", c)
	}
}
