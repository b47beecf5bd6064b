package compliance

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/medspa/engine/messages"
)

// Recipient is what the lead's record says about where a text goes.
type Recipient struct {
	Phone string
	State string // US state code from the lead's record, optional
	TZ    string // IANA zone from the lead's record, optional
}

// Decision says whether a text may be sent now and, if not, when.
type Decision struct {
	Allowed   bool
	NotBefore time.Time // now when allowed; else the earliest allowed instant
	Reason    string
}

// place is one (state, zone) whose rules a text must satisfy.
type place struct {
	State string
	Loc   *time.Location
}

// refInstant orders zones west to east for Locate.
var refInstant = time.Date(2026, time.January, 15, 12, 0, 0, 0, time.UTC)

// continental is the fallback when nothing else is known: every mainland
// zone, so the window is the one open everywhere.
var continental = []string{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}

// places returns every (state, zone) the recipient may be in. The lead's
// record wins over the area code, the area code over the clinic's zone. A
// record state that disagrees with the area code's state adds the area
// code's state too, so both states' rules apply. certain is true when the
// record gives a valid zone.
func places(r Recipient, clinicTZ string) (ps []place, certain bool) {
	ac, hasAC := lookupAreaCode(r.Phone)
	state := strings.ToUpper(strings.TrimSpace(r.State))
	states := []string{}
	if state != "" {
		states = append(states, state)
	}
	if hasAC && ac.State != state {
		states = append(states, ac.State)
	}
	if len(states) == 0 {
		states = []string{""}
	}

	var zones []*time.Location
	if r.TZ != "" {
		if loc, ok := loadZone(r.TZ); ok {
			zones, certain = []*time.Location{loc}, true
		}
	}
	if zones == nil {
		switch {
		case hasAC && (state == "" || state == ac.State):
			zones = ac.Zones
		case state != "" && len(stateZones[state]) > 0:
			zones = stateZones[state]
		case hasAC:
			zones = ac.Zones
		}
	}
	if zones == nil {
		if loc, ok := loadZone(clinicTZ); ok {
			zones = []*time.Location{loc}
		}
	}
	if zones == nil {
		for _, name := range continental {
			loc, _ := loadZone(name)
			zones = append(zones, loc)
		}
	}
	for _, s := range states {
		for _, z := range zones {
			ps = append(ps, place{State: s, Loc: z})
		}
	}
	sort.SliceStable(ps, func(i, j int) bool {
		_, oi := refInstant.In(ps[i].Loc).Zone()
		_, oj := refInstant.In(ps[j].Loc).Zone()
		return oi < oj
	})
	return ps, certain
}

// Locate returns where the recipient is taken to be: the lead's record when
// it says, else the area code, else the clinic's zone. When the area code
// spans several zones it returns the westernmost, whose window opens last;
// Check applies all of them. certain is false unless the record gives the
// zone.
func Locate(r Recipient, clinicTZ string) (state string, loc *time.Location, certain bool) {
	ps, certain := places(r, clinicTZ)
	return ps[0].State, ps[0].Loc, certain
}

// Check decides whether a text may be sent to r at now. Replies (answers to
// a message the lead just sent; the caller sets the purpose) are always
// allowed. Initiated texts must fall inside the window of every place the
// recipient may be, and under the state's cap of initiated texts per rolling
// 24 hours; initiatedLast24h lists the initiated texts already sent.
func Check(purpose messages.Purpose, r Recipient, clinicTZ string, now time.Time, initiatedLast24h []time.Time) Decision {
	if purpose == messages.PurposeReply {
		return Decision{Allowed: true, NotBefore: now, Reason: "reply to the lead"}
	}
	ps, _ := places(r, clinicTZ)

	limit := 0
	for _, p := range ps {
		if c := rule(p.State).Cap; c > 0 && (limit == 0 || c < limit) {
			limit = c
		}
	}
	var recent []time.Time
	for _, t := range initiatedLast24h {
		if t.After(now.Add(-24 * time.Hour)) {
			recent = append(recent, t)
		}
	}
	sort.Slice(recent, func(i, j int) bool { return recent[i].Before(recent[j]) })

	t := now
	reason := ""
	if limit > 0 && len(recent) >= limit {
		// The count drops below the cap when this many have aged out.
		free := recent[len(recent)-limit].Add(24 * time.Hour)
		if free.After(t) {
			t = free
		}
		reason = fmt.Sprintf("cap of %d initiated texts per 24h reached", limit)
	}
	// Move forward until every place is open at t. Each step only moves t
	// forward, to an opening of some place; the windows of the zones one
	// area code spans overlap, so this settles in a few rounds.
	for round := 0; round < 64; round++ {
		moved := false
		for _, p := range ps {
			if next := nextOpen(p.State, p.Loc, t); next.After(t) {
				t, moved = next, true
				if reason == "" {
					reason = fmt.Sprintf("quiet hours in %s", p.Loc)
				}
			}
		}
		if !moved {
			break
		}
	}
	if t.Equal(now) {
		return Decision{Allowed: true, NotBefore: now, Reason: "inside the window"}
	}
	return Decision{Allowed: false, NotBefore: t, Reason: reason}
}

// zoneCache caches loaded locations by name; only valid names are kept, so it
// holds at most the zone database.
var zoneCache sync.Map

// loadZone loads an IANA zone by name. "" and "Local" are not zones here:
// the host's zone says nothing about the recipient.
func loadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" {
		return nil, false
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), true
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	zoneCache.Store(name, loc)
	return loc, true
}
