package clinicsync_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/nats-io/nats.go"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clinicsync"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

func newClinic(id string, numbers ...string) clinic.Clinic {
	c := clinic.Clinic{ID: id, Name: "Clinic " + id, Timezone: "America/Chicago", PhoneNumbers: numbers}
	c.SetDefaults()
	return c
}

// A clinic created in one process reaches another process's directory
// through settings.changed, without a restart or a sweep.
func TestCreatePropagatesToAnotherProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := openStore(t)
	demo := clinic.Demo()
	dirA, err := clinicsync.Bootstrap(ctx, store, demo, log)
	if err != nil {
		t.Fatal(err)
	}
	dirB, err := clinicsync.Bootstrap(ctx, store, demo, log)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(testkit.NATS(t))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	done := make(chan error, 1)
	go func() { done <- clinicsync.Follow(ctx, nc, store, dirB, time.Hour, log) }()

	var subject string
	var event []byte
	announce := func(_ context.Context, subj, msgID string, data []byte) error {
		subject, event = subj, data
		return nc.Publish(subj, data)
	}
	at := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	s, err := clinicsync.Create(ctx, store, dirA, newClinic("fresh", "+13125557001"), "admin-1", at, announce)
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != 1 || s.UpdatedBy != "admin-1" || !s.UpdatedAt.Equal(at) {
		t.Errorf("stored = version %d by %q at %v", s.Version, s.UpdatedBy, s.UpdatedAt)
	}
	if c, ok := dirA.ByNumber("+13125557001"); !ok || c.ID != "fresh" {
		t.Fatal("the creating process does not route the new number")
	}
	if want := messages.EventSubject("fresh", messages.ClinicToken, messages.EventSettingsChanged); subject != want {
		t.Errorf("announced on %q, want %q", subject, want)
	}
	// Follow subscribes asynchronously: announce again until it has
	// reloaded (a repeat is harmless: the version is the same).
	deadline := time.Now().Add(10 * time.Second)
	for dirB.Version("fresh") != 1 && time.Now().Before(deadline) {
		if err := nc.Publish(subject, event); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if c, ok := dirB.ByNumber("+13125557001"); !ok || c.ID != "fresh" {
		t.Fatal("the other process does not route the new number")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Follow: %v", err)
	}
}

func TestCreateRefusesTakenIDAndNumbers(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	demo := clinic.Demo()
	dir, err := clinicsync.Bootstrap(ctx, store, demo, log)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	if _, err := clinicsync.Create(ctx, store, dir, newClinic(demo[0].ID, "+13125557002"), "a", at, nil); !errors.Is(err, clinicsync.ErrClinicExists) {
		t.Errorf("existing id: %v, want ErrClinicExists", err)
	}
	if _, err := clinicsync.Create(ctx, store, dir, newClinic("other", demo[1].PhoneNumbers[0]), "a", at, nil); !errors.Is(err, directory.ErrNumberTaken) {
		t.Errorf("a stored clinic's number: %v, want ErrNumberTaken", err)
	}
	// A clinic another process stored, which this directory has not loaded
	// yet, holds its numbers and its id too.
	fresh := directory.New(nil)
	if _, err := clinicsync.Create(ctx, store, fresh, newClinic("second", demo[0].PhoneNumbers[0]), "a", at, nil); !errors.Is(err, directory.ErrNumberTaken) {
		t.Errorf("a number stored elsewhere: %v, want ErrNumberTaken", err)
	}
	if _, err := clinicsync.Create(ctx, store, fresh, newClinic(demo[1].ID, "+13125557003"), "a", at, nil); !errors.Is(err, clinicsync.ErrClinicExists) {
		t.Errorf("an id stored elsewhere: %v, want ErrClinicExists", err)
	}
	all, _ := store.ListClinicSettings(ctx)
	if len(all) != len(demo) {
		t.Errorf("%d clinics stored, want %d: a refused creation stored something", len(all), len(demo))
	}
}
