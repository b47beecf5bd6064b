package directory

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/medspa/engine/internal/clinic"
)

func TestDirectoryPut(t *testing.T) {
	demo := clinic.Demo()
	d := New(demo)
	glow := demo[0]
	if d.Version(glow.ID) != 0 {
		t.Fatalf("file clinics start at version 0")
	}
	changed := glow
	changed.Name = "Glow Chicago West"
	changed.PhoneNumbers = append([]string{"+13125559999"}, glow.PhoneNumbers[1:]...)
	changed.TwilioNumbers = nil
	if ok, err := d.Put(changed, 2); !ok || err != nil {
		t.Fatalf("Put(v2) = %v, %v", ok, err)
	}
	if c, _ := d.ByID(glow.ID); c.Name != "Glow Chicago West" || d.Version(glow.ID) != 2 {
		t.Errorf("after Put: %q at version %d", c.Name, d.Version(glow.ID))
	}
	if c, ok := d.ByNumber("+13125559999"); !ok || c.ID != glow.ID {
		t.Errorf("the new number does not route to the clinic")
	}
	if _, ok := d.ByNumber(glow.PhoneNumbers[0]); ok {
		t.Errorf("the number given up still routes")
	}
	if ids := []string{d.All()[0].ID, d.All()[1].ID}; ids[0] != glow.ID || len(d.All()) != 2 {
		t.Errorf("order = %v, want the clinic kept in place", ids)
	}
	older := glow
	if ok, _ := d.Put(older, 1); ok {
		t.Error("an older version replaced a newer one")
	}
	if c, _ := d.ByID(glow.ID); c.Name != "Glow Chicago West" {
		t.Errorf("older Put changed the clinic to %q", c.Name)
	}

	thief := demo[1]
	thief.PhoneNumbers = append(thief.PhoneNumbers, "+13125559999")
	if ok, err := d.Put(thief, 5); ok || !errors.Is(err, ErrNumberTaken) {
		t.Errorf("Put of another clinic's number = %v, %v; want ErrNumberTaken", ok, err)
	}
	if d.Version(thief.ID) != 0 {
		t.Error("a refused Put changed the version")
	}
	if other, n := d.Owner(thief.ID, thief.PhoneNumbers); other != glow.ID || n != "+13125559999" {
		t.Errorf("Owner = %q, %q", other, n)
	}

	added := clinic.Clinic{ID: "new-clinic", Name: "New", Timezone: "UTC", PhoneNumbers: []string{"+13125558888"}}
	if ok, err := d.Put(added, 1); !ok || err != nil {
		t.Fatalf("Put(new clinic) = %v, %v", ok, err)
	}
	if len(d.All()) != 3 || d.All()[2].ID != "new-clinic" {
		t.Errorf("a new clinic is not appended")
	}
}

// Readers run while a writer replaces the clinic; each must see one whole
// version (run with -race).
func TestDirectoryConcurrentReaders(t *testing.T) {
	c := clinic.Demo()[0]
	d := New([]clinic.Clinic{c})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				got, _ := d.ByID(c.ID)
				if !strings.HasPrefix(got.Name, "v") && got.Name != c.Name {
					t.Errorf("torn read %q", got.Name)
					return
				}
			}
		}()
	}
	for v := int64(1); v <= 200; v++ {
		next := c
		next.Name = "v" + strings.Repeat("x", int(v%7))
		if _, err := d.Put(next, v); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if d.Version(c.ID) != 200 {
		t.Errorf("version %d, want 200", d.Version(c.ID))
	}
}
