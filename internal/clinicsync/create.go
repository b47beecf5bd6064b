package clinicsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// ErrClinicExists: a clinic with that id is stored already.
var ErrClinicExists = errors.New("clinic exists")

// Announcer publishes a settings.changed event durably: subject, the
// event's id (its Nats-Msg-Id) and the encoded messages.Event.
type Announcer func(ctx context.Context, subject, msgID string, data []byte) error

// Create stores a new clinic's settings at version 1, adds it to dir and
// announces it, so that every process (each reloads a clinic on its
// settings.changed, Follow) routes its numbers from then on. c must be
// valid (defaults applied). It fails with ErrClinicExists when the id is
// stored or in dir, and with directory.ErrNumberTaken when another stored or
// known clinic holds one of its numbers. Two creations racing in two
// processes for one number are both stored; every process then gives the
// number to the clinic it loaded first and logs the other (Bootstrap,
// refresh). A failed announcement is returned after the clinic is stored:
// the other processes load it at their next periodic reload.
func Create(ctx context.Context, store Store, dir *directory.Directory, c clinic.Clinic, by string, now time.Time, announce Announcer) (persistence.ClinicSettings, error) {
	if _, ok := dir.ByID(c.ID); ok {
		return persistence.ClinicSettings{}, fmt.Errorf("%w: %q", ErrClinicExists, c.ID)
	}
	stored, err := store.ListClinicSettings(ctx)
	if err != nil {
		return persistence.ClinicSettings{}, fmt.Errorf("load clinic settings: %w", err)
	}
	owners := map[string]string{}
	for _, s := range stored {
		if s.ClinicID == c.ID {
			return persistence.ClinicSettings{}, fmt.Errorf("%w: %q", ErrClinicExists, c.ID)
		}
		if sc, err := clinic.ParseSettings(s.Settings); err == nil {
			for _, n := range sc.PhoneNumbers {
				owners[n] = s.ClinicID
			}
		}
	}
	for _, n := range c.PhoneNumbers {
		other := owners[n]
		if other == "" {
			other, _ = dir.Owner(c.ID, []string{n})
		}
		if other != "" {
			return persistence.ClinicSettings{}, fmt.Errorf("%w: %s is clinic %q's", directory.ErrNumberTaken, phone.Mask(n), other)
		}
	}
	b, err := clinic.EncodeSettings(c)
	if err != nil {
		return persistence.ClinicSettings{}, err
	}
	s := persistence.ClinicSettings{ClinicID: c.ID, Version: 1, Settings: b, UpdatedAt: now, UpdatedBy: by}
	n, err := store.SeedClinicSettings(ctx, []persistence.ClinicSettings{s})
	if err != nil {
		return persistence.ClinicSettings{}, fmt.Errorf("store clinic settings: %w", err)
	}
	if n == 0 {
		return persistence.ClinicSettings{}, fmt.Errorf("%w: %q", ErrClinicExists, c.ID)
	}
	if s, err = store.LoadClinicSettings(ctx, c.ID); err != nil {
		return persistence.ClinicSettings{}, fmt.Errorf("load clinic settings: %w", err)
	}
	if _, err := dir.Put(c, s.Version); err != nil {
		return s, fmt.Errorf("clinic stored but not loaded here: %w", err)
	}
	if announce == nil {
		return s, nil
	}
	subject, id, data, err := ChangedEvent(c.ID, s.Version, by, now)
	if err == nil {
		err = announce(ctx, subject, id, data)
	}
	if err != nil {
		return s, fmt.Errorf("clinic stored; announce it: %w", err)
	}
	return s, nil
}

// ChangedEvent is the settings.changed event of a clinic's settings
// version: its subject, id and encoding (what the clinic actor publishes
// after an update).
func ChangedEvent(clinicID string, version int64, by string, now time.Time) (subject, id string, data []byte, err error) {
	id = fmt.Sprintf("settings:%s:%d", clinicID, version)
	d, _ := json.Marshal(map[string]any{"version": version, "by": by})
	ev := messages.Event{V: messages.Version, ID: id, Type: messages.EventSettingsChanged, ClinicID: clinicID, LeadID: messages.ClinicToken, At: now, Data: d}
	data, err = json.Marshal(ev)
	if err != nil {
		return "", "", nil, fmt.Errorf("encode settings.changed: %w", err)
	}
	return messages.EventSubject(clinicID, messages.ClinicToken, ev.Type), id, data, nil
}
