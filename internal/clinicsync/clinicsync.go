// Package clinicsync keeps a process's clinic directory in step with the
// clinic settings in the store.
//
// The clinics file seeds the store: a clinic the store does not hold yet is
// stored at version 1; after that the stored settings are the truth and
// staff change them through the clinic's actor (PUT
// /v1/clinics/{id}/settings). The actor updates its own process's
// directory and publishes settings.changed; every other process (gateways
// routing numbers, engine nodes that may own the clinic next) reloads the
// clinic when the event arrives, and reloads every clinic periodically in
// case it missed one.
package clinicsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/nats-io/nats.go"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// Store is what clinicsync reads and writes of the stored clinic settings
// (persistence.Store has it).
type Store interface {
	SeedClinicSettings(ctx context.Context, seeds []persistence.ClinicSettings) (int, error)
	SaveClinicSettings(ctx context.Context, s persistence.ClinicSettings) error
	LoadClinicSettings(ctx context.Context, clinicID string) (persistence.ClinicSettings, error)
	ListClinicSettings(ctx context.Context) ([]persistence.ClinicSettings, error)
}

// Bootstrap seeds the store with the file's clinics it does not hold yet
// and returns a directory of the stored settings. A stored clinic whose
// settings no longer validate (written by an older version, say) keeps the
// file's settings and is logged.
//
// A number belongs to one clinic. When two clinics claim one (staff gave a
// clinic a number that the clinics file later lists for a new clinic), the
// clinic stored first keeps it: the later clinic is neither seeded nor
// loaded, and an error is logged, so that every process still starts with
// the other clinics. Fixing the file (or the other clinic's numbers) and
// restarting adds it.
func Bootstrap(ctx context.Context, store Store, file []clinic.Clinic, log *slog.Logger) (*directory.Directory, error) {
	before, err := store.ListClinicSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("load clinic settings: %w", err)
	}
	wasStored := make(map[string]bool, len(before))
	for _, s := range before {
		wasStored[s.ClinicID] = true
	}
	seeds, err := seedsOf(file, before, wasStored)
	if err != nil {
		return nil, err
	}
	n, err := store.SeedClinicSettings(ctx, seeds)
	if err != nil {
		return nil, fmt.Errorf("seed clinic settings: %w", err)
	}
	stored, err := store.ListClinicSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("load clinic settings: %w", err)
	}
	if n > 0 {
		log.Info("clinic settings seeded from the clinics file", slog.Int("clinics", n))
	}
	src := newSources(file, stored)
	return src.build(src.choose(src.byPriority(wasStored), log))
}

// seedsOf are the settings of the file's clinics, to be stored where the
// store holds none; a clinic not stored yet that claims a number a stored
// clinic holds is left out (Bootstrap logs it).
func seedsOf(file []clinic.Clinic, before []persistence.ClinicSettings, wasStored map[string]bool) ([]persistence.ClinicSettings, error) {
	owned := directory.New(nil) // the numbers stored clinics hold
	for _, s := range before {
		if c, err := clinic.DecodeSettings(s.Settings); err == nil {
			_, _ = owned.Put(c, s.Version) // a conflict among them is logged by choose
		}
	}
	seeds := make([]persistence.ClinicSettings, 0, len(file))
	for _, c := range file {
		if other, _ := owned.Owner(c.ID, c.PhoneNumbers); other != "" && !wasStored[c.ID] {
			continue // another clinic holds one of its numbers: logged by choose
		}
		b, err := clinic.EncodeSettings(c)
		if err != nil {
			return nil, err
		}
		seeds = append(seeds, persistence.ClinicSettings{ClinicID: c.ID, Settings: b, UpdatedBy: "clinics_file"})
	}
	return seeds, nil
}

// sources are where a clinic's settings may come from: the store, else
// the clinics file.
type sources struct {
	fromFile map[string]clinic.Clinic
	stored   map[string]persistence.ClinicSettings
	// order is the directory's: the file's clinics first, in file order
	// (the demo and the docs list clinics that way), then the clinics only
	// the store knows.
	order []string
}

func newSources(file []clinic.Clinic, stored []persistence.ClinicSettings) sources {
	src := sources{fromFile: make(map[string]clinic.Clinic, len(file)), stored: make(map[string]persistence.ClinicSettings, len(stored))}
	for _, c := range file {
		src.fromFile[c.ID] = c
		src.order = append(src.order, c.ID)
	}
	for _, s := range stored {
		src.stored[s.ClinicID] = s
		if _, ok := src.fromFile[s.ClinicID]; !ok {
			src.order = append(src.order, s.ClinicID)
		}
	}
	return src
}

// byPriority is the order in which clinics get their numbers: those stored
// before this start first.
func (src sources) byPriority(wasStored map[string]bool) []string {
	var priority []string
	for _, first := range []bool{true, false} {
		for _, id := range src.order {
			if wasStored[id] == first {
				priority = append(priority, id)
			}
		}
	}
	return priority
}

// loaded is the settings chosen for a clinic and their version (0: the
// file's).
type loaded struct {
	c       clinic.Clinic
	version int64
}

// choose picks each clinic's settings, in priority order: the stored ones
// when they are usable, else the file's; a clinic whose numbers belong to
// a clinic before it is left out, and logged.
func (src sources) choose(priority []string, log *slog.Logger) map[string]loaded {
	taken := directory.New(nil)
	chosen := make(map[string]loaded, len(src.order))
	for _, id := range priority {
		var err error
		if s, ok := src.stored[id]; ok {
			var c clinic.Clinic
			if c, err = clinic.DecodeSettings(s.Settings); err == nil {
				if _, err = taken.Put(c, s.Version); err == nil {
					chosen[id] = loaded{c, s.Version}
					continue
				}
			}
			log.Error("stored clinic settings not usable", slog.String("clinic_id", id), slog.Int64("version", s.Version), problem(err))
		}
		c, ok := src.fromFile[id]
		if !ok {
			continue
		}
		if _, err = taken.Put(c, 0); err != nil {
			log.Error("clinic not loaded: one of its numbers belongs to another clinic; change the clinics file or the other clinic's numbers",
				slog.String("clinic_id", id), problem(err))
			continue
		}
		chosen[id] = loaded{c, 0}
	}
	return chosen
}

// build lists the chosen clinics in the sources' order.
func (src sources) build(chosen map[string]loaded) (*directory.Directory, error) {
	dir := directory.New(nil)
	for _, id := range src.order {
		if l, ok := chosen[id]; ok {
			if _, err := dir.Put(l.c, l.version); err != nil {
				return nil, fmt.Errorf("clinic %q: %w", id, err) // cannot happen: choose held them all
			}
		}
	}
	return dir, nil
}

// put decodes stored settings into dir; false when they are unusable.
func put(dir *directory.Directory, s persistence.ClinicSettings, log *slog.Logger) bool {
	c, err := clinic.DecodeSettings(s.Settings)
	if err == nil {
		_, err = dir.Put(c, s.Version)
	}
	if err != nil {
		log.Error("stored clinic settings not usable", slog.String("clinic_id", s.ClinicID), slog.Int64("version", s.Version), problem(err))
		return false
	}
	return true
}

// DefaultPeriod is Follow's period when none is given.
const DefaultPeriod = 30 * time.Second

// problem is err as a log attribute without the values it may quote (a
// validation error names a bad phone number in clear): the fields at fault,
// or the error of a settings document that did not parse.
func problem(err error) slog.Attr {
	if fields := clinic.FieldNames(err); len(fields) > 0 {
		return slog.Any("fields", fields)
	}
	if errors.Is(err, directory.ErrNumberTaken) {
		return slog.String("error", err.Error()) // the number is masked
	}
	return slog.String("error", "settings do not parse")
}

// Follow reloads a clinic into dir whenever its settings.changed event is
// published, and every clinic each period (DefaultPeriod when not
// positive), until ctx ends.
func Follow(ctx context.Context, nc *nats.Conn, store Store, dir *directory.Directory, period time.Duration, log *slog.Logger) error {
	if period <= 0 {
		period = DefaultPeriod
	}
	changed := make(chan string, 64)
	sub, err := nc.Subscribe(messages.EventSubject("*", messages.ClinicToken, messages.EventSettingsChanged), func(m *nats.Msg) {
		t := strings.Split(m.Subject, ".") // medspa.evt.<clinic>.clinic.settings.changed
		if len(t) < 3 {
			return
		}
		select {
		case changed <- t[2]:
		default: // a burst; the periodic reload catches up
		}
	})
	if err != nil {
		return fmt.Errorf("follow clinic settings: %w", err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case id := <-changed:
			if err := Reload(ctx, store, dir, id, log); err != nil {
				log.Warn("reload clinic settings", slog.String("clinic_id", id), slog.String("error", err.Error()))
			}
		case <-tick.C:
			if err := ReloadAll(ctx, store, dir, log); err != nil {
				log.Warn("reload clinic settings", slog.String("error", err.Error()))
			}
		}
	}
}

// Reload brings one clinic up to its stored settings.
func Reload(ctx context.Context, store Store, dir *directory.Directory, clinicID string, log *slog.Logger) error {
	s, err := store.LoadClinicSettings(ctx, clinicID)
	if err != nil {
		return err
	}
	refresh(dir, s, log)
	return nil
}

// ReloadAll brings every clinic up to its stored settings.
func ReloadAll(ctx context.Context, store Store, dir *directory.Directory, log *slog.Logger) error {
	all, err := store.ListClinicSettings(ctx)
	if err != nil {
		return err
	}
	for _, s := range all {
		refresh(dir, s, log)
	}
	return nil
}

// refresh puts stored settings newer than the directory's into it.
func refresh(dir *directory.Directory, s persistence.ClinicSettings, log *slog.Logger) {
	if s.Version > dir.Version(s.ClinicID) {
		put(dir, s, log)
	}
}
