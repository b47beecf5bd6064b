// Package directory is the live registry of clinics a process serves: it
// finds a clinic by id or by number and swaps in new settings while the
// engine runs. It holds no I/O; clinicsync fills it from the store.
package directory

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/phone"
)

// Directory finds clinics by id and by number. Readers see an immutable
// index; Put swaps in a new one, so a clinic's settings can change while
// the engine runs. A *clinic.Clinic it hands out is never modified. Safe for
// concurrent use.
type Directory struct {
	mu  sync.Mutex // serialises writers
	idx atomic.Pointer[index]
}

type index struct {
	byID     map[string]entry
	byNumber map[string]*clinic.Clinic
	all      []*clinic.Clinic // in insertion order
}

type entry struct {
	c       *clinic.Clinic
	version int64
}

// ErrNumberTaken is returned by Put when one of a clinic's numbers already
// belongs to another clinic.
var ErrNumberTaken = errors.New("phone number belongs to another clinic")

// New indexes clinics at version 0. Clinics must have been
// validated.
func New(clinics []clinic.Clinic) *Directory {
	d := &Directory{}
	idx := &index{byID: map[string]entry{}, byNumber: map[string]*clinic.Clinic{}}
	for i := range clinics {
		c := clinics[i]
		idx.byID[c.ID] = entry{c: &c}
		idx.all = append(idx.all, &c)
		for _, n := range c.PhoneNumbers {
			idx.byNumber[n] = &c
		}
	}
	d.idx.Store(idx)
	return d
}

func (d *Directory) load() *index { return d.idx.Load() }

// ByID returns the clinic with the given id.
func (d *Directory) ByID(id string) (*clinic.Clinic, bool) {
	e, ok := d.load().byID[id]
	return e.c, ok
}

// Version returns the settings version of a clinic (0 when it has only
// been loaded from the clinics file, or is unknown).
func (d *Directory) Version(id string) int64 { return d.load().byID[id].version }

// ByNumber returns the clinic that owns an E.164 number.
func (d *Directory) ByNumber(e164 string) (*clinic.Clinic, bool) {
	c, ok := d.load().byNumber[e164]
	return c, ok
}

// All returns every clinic, in the order they were first added.
func (d *Directory) All() []*clinic.Clinic { return d.load().all }

// Owner returns the id of the clinic other than id that owns any of
// numbers, or "" when none does.
func (d *Directory) Owner(id string, numbers []string) (string, string) {
	idx := d.load()
	for _, n := range numbers {
		if c, ok := idx.byNumber[n]; ok && c.ID != id {
			return c.ID, n
		}
	}
	return "", ""
}

// Put adds a clinic or replaces it with settings of a newer version. It
// reports whether the directory changed: a version not newer than the one
// held is ignored. A number held by another clinic fails with
// ErrNumberTaken and changes nothing. c must have been validated.
func (d *Directory) Put(c clinic.Clinic, version int64) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.load()
	if e, ok := old.byID[c.ID]; ok && version <= e.version {
		return false, nil
	}
	if other, n := d.Owner(c.ID, c.PhoneNumbers); other != "" {
		return false, fmt.Errorf("%w: %s is clinic %q's", ErrNumberTaken, phone.Mask(n), other)
	}
	cp := c
	idx := &index{byID: make(map[string]entry, len(old.byID)+1), byNumber: make(map[string]*clinic.Clinic, len(old.byNumber)), all: make([]*clinic.Clinic, 0, len(old.all)+1)}
	replaced := false
	for _, x := range old.all {
		if x.ID == c.ID {
			x, replaced = &cp, true
		}
		idx.all = append(idx.all, x)
	}
	if !replaced {
		idx.all = append(idx.all, &cp)
	}
	for _, x := range idx.all {
		v := old.byID[x.ID].version
		if x == &cp {
			v = version
		}
		idx.byID[x.ID] = entry{c: x, version: v}
		for _, n := range x.PhoneNumbers {
			idx.byNumber[n] = x
		}
	}
	d.idx.Store(idx)
	return true, nil
}
