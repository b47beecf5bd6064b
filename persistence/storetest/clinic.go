package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func loadClinic(t *testing.T, s persistence.Store, id string) persistence.ClinicSnapshot {
	t.Helper()
	c, err := s.LoadClinic(ctx(t), id)
	if err != nil {
		t.Fatalf("LoadClinic(%s): %v", id, err)
	}
	return c
}

func testClinicSnapshotFence(t *testing.T, s persistence.Store) {
	if _, err := s.LoadClinic(ctx(t), "c1"); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("LoadClinic(missing) err = %v, want ErrNotFound", err)
	}
	save := func(version int64, state string, at time.Time) error {
		return s.SaveClinic(ctx(t), persistence.ClinicSnapshot{ClinicID: "c1", Version: version, State: []byte(state), UpdatedAt: at})
	}
	if err := save(3, "v?", t0); !errors.Is(err, persistence.ErrVersionConflict) {
		t.Errorf("SaveClinic(missing, version 3) err = %v, want ErrVersionConflict", err)
	}
	if err := save(0, "v1", t0); err != nil {
		t.Fatalf("SaveClinic(create): %v", err)
	}
	got := loadClinic(t, s, "c1")
	if got.ClinicID != "c1" || got.Version != 1 || string(got.State) != "v1" || !got.UpdatedAt.Equal(us(t0)) {
		t.Errorf("LoadClinic = %+v (state %s), want version 1 state v1 at %v", got, got.State, us(t0))
	}
	if err := save(0, "again", t0); !errors.Is(err, persistence.ErrVersionConflict) {
		t.Errorf("second create err = %v, want ErrVersionConflict", err)
	}
	if err := save(1, "v2", t0.Add(time.Minute)); err != nil {
		t.Fatalf("SaveClinic(version 1): %v", err)
	}
	if err := save(1, "stale", t0.Add(2*time.Minute)); !errors.Is(err, persistence.ErrVersionConflict) {
		t.Errorf("stale save err = %v, want ErrVersionConflict", err)
	}
	got = loadClinic(t, s, "c1")
	if got.Version != 2 || string(got.State) != "v2" || !got.UpdatedAt.Equal(us(t0.Add(time.Minute))) {
		t.Errorf("LoadClinic = %+v (state %s), want version 2 state v2", got, got.State)
	}
	if _, err := s.LoadClinic(ctx(t), "c2"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("LoadClinic(other) err = %v, want ErrNotFound", err)
	}

	before := time.Now().Add(-time.Second)
	if err := s.SaveClinic(ctx(t), persistence.ClinicSnapshot{ClinicID: "c2"}); err != nil {
		t.Fatalf("SaveClinic(zero time, nil state): %v", err)
	}
	if c2 := loadClinic(t, s, "c2"); c2.Version != 1 || len(c2.State) != 0 || c2.UpdatedAt.Before(before) {
		t.Errorf("LoadClinic(c2) = %+v, want version 1, empty state, updated now", c2)
	}
}

func testClinicConcurrentSavers(t *testing.T, s persistence.Store) {
	if err := s.SaveClinic(ctx(t), persistence.ClinicSnapshot{ClinicID: "c1", State: []byte("v1")}); err != nil {
		t.Fatal(err)
	}
	results := make([]error, racers)
	start := make(chan struct{})
	done := make(chan struct{})
	for i := range racers {
		go func() {
			defer func() { done <- struct{}{} }()
			<-start
			results[i] = s.SaveClinic(ctx(t), persistence.ClinicSnapshot{ClinicID: "c1", Version: 1, State: []byte{byte('a' + i)}})
		}()
	}
	close(start)
	for range racers {
		<-done
	}
	w := oneWinner(t, results, persistence.ErrVersionConflict)
	if got := loadClinic(t, s, "c1"); got.Version != 2 || string(got.State) != string(rune('a'+w)) {
		t.Errorf("LoadClinic = %+v (state %s), want version 2 state of racer %d", got, got.State, w)
	}
}
