package storetest

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func settings(id, body string, version int64, at time.Time, by string) persistence.ClinicSettings {
	return persistence.ClinicSettings{ClinicID: id, Version: version, Settings: []byte(body), UpdatedAt: at, UpdatedBy: by}
}

func seed(t *testing.T, s persistence.Store, seeds ...persistence.ClinicSettings) int {
	t.Helper()
	n, err := s.SeedClinicSettings(ctx(t), seeds)
	if err != nil {
		t.Fatalf("SeedClinicSettings: %v", err)
	}
	return n
}

func loadSettings(t *testing.T, s persistence.Store, id string) persistence.ClinicSettings {
	t.Helper()
	c, err := s.LoadClinicSettings(ctx(t), id)
	if err != nil {
		t.Fatalf("LoadClinicSettings(%s): %v", id, err)
	}
	return c
}

// sameSettings compares every field, times at microsecond precision.
func sameSettings(t *testing.T, got, want persistence.ClinicSettings) {
	t.Helper()
	if got.ClinicID != want.ClinicID || got.Version != want.Version || !bytes.Equal(got.Settings, want.Settings) ||
		!got.UpdatedAt.Equal(us(want.UpdatedAt)) || got.UpdatedBy != want.UpdatedBy {
		t.Errorf("clinic settings\n got %+v (settings %s)\nwant %+v (settings %s)", got, got.Settings, want, want.Settings)
	}
}

func testClinicSettingsSeed(t *testing.T, s persistence.Store) {
	if _, err := s.LoadClinicSettings(ctx(t), "c1"); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("LoadClinicSettings(missing) err = %v, want ErrNotFound", err)
	}
	if n := seed(t, s); n != 0 {
		t.Errorf("SeedClinicSettings(none) = %d, want 0", n)
	}

	// A seed's version is ignored: seeded settings are version 1.
	c1 := settings("c1", `{"name":"one"}`, 7, t0, "seed")
	c2 := settings("c2", `{"name":"two"}`, 0, t0.Add(time.Minute), "seed")
	if n := seed(t, s, c2, c1); n != 2 {
		t.Errorf("SeedClinicSettings(c2, c1) = %d, want 2", n)
	}
	c1.Version, c2.Version = 1, 1
	sameSettings(t, loadSettings(t, s, "c1"), c1)
	sameSettings(t, loadSettings(t, s, "c2"), c2)

	// Seeding again stores only the new clinic; stored ones keep their
	// bytes, time and author.
	c3 := settings("c3", `{"name":"three"}`, 0, t0, "seed")
	if n := seed(t, s, settings("c1", `{"name":"changed"}`, 0, t0.Add(time.Hour), "other"), c3); n != 1 {
		t.Errorf("SeedClinicSettings(c1 again, c3) = %d, want 1", n)
	}
	c3.Version = 1
	sameSettings(t, loadSettings(t, s, "c1"), c1)
	sameSettings(t, loadSettings(t, s, "c3"), c3)

	before := time.Now().Add(-time.Second)
	if n := seed(t, s, persistence.ClinicSettings{ClinicID: "c4", UpdatedBy: "seed"}); n != 1 {
		t.Errorf("SeedClinicSettings(c4) = %d, want 1", n)
	}
	if c4 := loadSettings(t, s, "c4"); c4.Version != 1 || len(c4.Settings) != 0 || c4.UpdatedAt.Before(before) {
		t.Errorf("LoadClinicSettings(c4) = %+v, want version 1, empty settings, updated now", c4)
	}
}

func testClinicSettingsSave(t *testing.T, s persistence.Store) {
	seed(t, s, settings("c1", "v1", 0, t0, "seed"))

	want := settings("c1", "v2", 1, t0.Add(time.Minute), "staff:ana")
	if err := s.SaveClinicSettings(ctx(t), want); err != nil {
		t.Fatalf("SaveClinicSettings(version 1): %v", err)
	}
	want.Version = 2
	sameSettings(t, loadSettings(t, s, "c1"), want)

	for _, stale := range []int64{0, 1, 3} {
		err := s.SaveClinicSettings(ctx(t), settings("c1", "stale", stale, t0.Add(time.Hour), "staff:bob"))
		if !errors.Is(err, persistence.ErrVersionConflict) {
			t.Errorf("SaveClinicSettings(version %d) err = %v, want ErrVersionConflict", stale, err)
		}
	}
	sameSettings(t, loadSettings(t, s, "c1"), want)

	for _, version := range []int64{0, 1} {
		err := s.SaveClinicSettings(ctx(t), settings("c9", "new", version, t0, "staff:ana"))
		if !errors.Is(err, persistence.ErrNotFound) {
			t.Errorf("SaveClinicSettings(never seeded, version %d) err = %v, want ErrNotFound", version, err)
		}
	}
	if _, err := s.LoadClinicSettings(ctx(t), "c9"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("a refused save was stored: LoadClinicSettings(c9) err = %v", err)
	}

	before := time.Now().Add(-time.Second)
	if err := s.SaveClinicSettings(ctx(t), persistence.ClinicSettings{ClinicID: "c1", Version: 2, UpdatedBy: "staff:ana"}); err != nil {
		t.Fatalf("SaveClinicSettings(zero time, nil settings): %v", err)
	}
	if got := loadSettings(t, s, "c1"); got.Version != 3 || len(got.Settings) != 0 || got.UpdatedAt.Before(before) {
		t.Errorf("LoadClinicSettings = %+v, want version 3, empty settings, updated now", got)
	}
}

// testClinicSettingsList checks the order is Go's string order (bytes), not
// a locale's: "Zeta" sorts before "alpha".
func testClinicSettingsList(t *testing.T, s persistence.Store) {
	got, err := s.ListClinicSettings(ctx(t))
	if err != nil || len(got) != 0 {
		t.Fatalf("ListClinicSettings(empty) = %+v, %v; want none", got, err)
	}
	ids := []string{"c2", "alpha", "c10", "Zeta", "c1"}
	seeds := make([]persistence.ClinicSettings, len(ids))
	for i, id := range ids {
		seeds[i] = settings(id, `{"id":"`+id+`"}`, 0, t0.Add(time.Duration(i)*time.Minute), "seed")
	}
	seed(t, s, seeds...)
	want := settings("c2", "edited", 1, t0.Add(time.Hour), "staff:ana")
	if err := s.SaveClinicSettings(ctx(t), want); err != nil {
		t.Fatalf("SaveClinicSettings: %v", err)
	}
	want.Version = 2

	got, err = s.ListClinicSettings(ctx(t))
	if err != nil {
		t.Fatalf("ListClinicSettings: %v", err)
	}
	gotIDs := make([]string, len(got))
	for i, c := range got {
		gotIDs[i] = c.ClinicID
	}
	wantStrings(t, "ListClinicSettings ids", gotIDs, "Zeta", "alpha", "c1", "c10", "c2")
	for _, c := range got {
		if c.ClinicID == "c2" {
			sameSettings(t, c, want)
		} else {
			sameSettings(t, c, loadSettings(t, s, c.ClinicID))
		}
	}
}

func testClinicSettingsConcurrentSavers(t *testing.T, s persistence.Store) {
	seed(t, s, settings("c1", "v1", 0, t0, "seed"))
	results := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			results[i] = s.SaveClinicSettings(ctx(t), settings("c1", string(rune('a'+i)), 1, t0, string(rune('A'+i))))
		})
	}
	close(start)
	wg.Wait()
	w := oneWinner(t, results, persistence.ErrVersionConflict)
	sameSettings(t, loadSettings(t, s, "c1"), settings("c1", string(rune('a'+w)), 2, t0, string(rune('A'+w))))
}

func testClinicSettingsConcurrentSeeders(t *testing.T, s persistence.Store) {
	counts := make([]int, racers)
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		// Each racer lists the clinics in its own order.
		seeds := []persistence.ClinicSettings{settings("c1", string(rune('a'+i)), 0, t0, "seed"), settings("c2", "two", 0, t0, "seed")}
		if i%2 == 1 {
			seeds[0], seeds[1] = seeds[1], seeds[0]
		}
		wg.Go(func() {
			<-start
			counts[i], errs[i] = s.SeedClinicSettings(ctx(t), seeds)
		})
	}
	close(start)
	wg.Wait()
	total := 0
	for i := range racers {
		if errs[i] != nil {
			t.Fatalf("racer %d: %v", i, errs[i])
		}
		total += counts[i]
	}
	if total != 2 {
		t.Errorf("seeders stored %d rows in all (%v), want 2", total, counts)
	}
	// c1 holds the bytes of a racer that counted what it stored.
	got := loadSettings(t, s, "c1")
	by := -1
	if len(got.Settings) == 1 {
		by = int(got.Settings[0]) - 'a'
	}
	if got.Version != 1 || by < 0 || by >= racers || counts[by] == 0 {
		t.Errorf("LoadClinicSettings(c1) = %+v (settings %s), want version 1 by a racer that stored rows", got, got.Settings)
	}
}
