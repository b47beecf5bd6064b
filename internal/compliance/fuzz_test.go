package compliance

import (
	"sort"
	"testing"
	"time"

	"github.com/medspa/engine/messages"
)

// checkInvariants asserts what must hold for any initiated decision.
func checkInvariants(t *testing.T, r Recipient, clinicTZ string, now time.Time, sent []time.Time) {
	t.Helper()
	d := Check(messages.PurposeInitiated, r, clinicTZ, now, sent)
	if d.NotBefore.Before(now) {
		t.Fatalf("NotBefore %v is before now %v", d.NotBefore, now)
	}
	if d.Allowed && !d.NotBefore.Equal(now) {
		t.Fatalf("allowed but NotBefore %v != now %v", d.NotBefore, now)
	}
	ps, _ := places(r, clinicTZ)
	limit := 0
	for _, p := range ps {
		if !InWindow(p.State, p.Loc, d.NotBefore) {
			t.Fatalf("NotBefore %v outside the window of %s in %s (allowed=%v)", d.NotBefore, p.State, p.Loc, d.Allowed)
		}
		if c := rule(p.State).Cap; c > 0 && (limit == 0 || c < limit) {
			limit = c
		}
	}
	if limit > 0 {
		n := 0
		for _, s := range sent {
			if s.After(d.NotBefore.Add(-24*time.Hour)) && s.After(now.Add(-24*time.Hour)) {
				n++
			}
		}
		if n >= limit {
			t.Fatalf("NotBefore %v still has %d initiated texts in the last 24h, cap %d", d.NotBefore, n, limit)
		}
	}
	// NotBefore is the earliest such instant: a minute earlier is not allowed,
	// unless that is before now.
	if !d.Allowed {
		if earlier := d.NotBefore.Add(-time.Minute); !earlier.Before(now) {
			if Check(messages.PurposeInitiated, r, clinicTZ, earlier, sent).Allowed {
				t.Fatalf("a minute before NotBefore %v is already allowed", d.NotBefore)
			}
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("+12125550123", "", "", ny, int64(1772951400), uint8(0), uint16(60))
	f.Add("+13055550123", "FL", "", ny, int64(1768435200), uint8(5), uint16(30))
	f.Add("+18505550123", "", "", chi, int64(1793500000), uint8(3), uint16(200))
	f.Add("+12145550123", "tx", "America/Chicago", la, int64(1773000000), uint8(1), uint16(1))
	f.Add("+447700900123", "", "Europe/London", "Bogus/Zone", int64(0), uint8(2), uint16(9000))
	f.Add("", "RI", "", "", int64(1768000000), uint8(9), uint16(13))
	f.Fuzz(func(t *testing.T, ph, state, tz, clinicTZ string, unix int64, n uint8, gapMin uint16) {
		// Instants between 2001 and 2096.
		base := int64(1_000_000_000)
		off := unix % 3_000_000_000
		if off < 0 {
			off = -off
		}
		now := time.Unix(base+off, 0).UTC()
		var sent []time.Time
		for i := 0; i < int(n%12); i++ {
			sent = append(sent, now.Add(-time.Duration(i)*time.Duration(gapMin)*time.Minute))
		}
		r := Recipient{Phone: ph, State: state, TZ: tz}
		checkInvariants(t, r, clinicTZ, now, sent)
		if d := Check(messages.PurposeReply, r, clinicTZ, now, sent); !d.Allowed || !d.NotBefore.Equal(now) {
			t.Fatalf("reply not allowed: %+v", d)
		}
	})
}

// TestCheckSweep walks every area code through the 2026 DST weeks in 37
// minute steps, with and without a full cap, and checks the invariants.
func TestCheckSweep(t *testing.T) {
	codes := make([]string, 0, len(areaCodes))
	for c := range areaCodes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, start := range []time.Time{
		time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC),
	} {
		for i, c := range codes {
			r := Recipient{Phone: "+1" + c + "5550123"}
			step := time.Duration(37+i%11) * time.Minute
			for now := start; now.Before(start.Add(4 * 24 * time.Hour)); now = now.Add(step) {
				checkInvariants(t, r, ny, now, nil)
				checkInvariants(t, r, ny, now, []time.Time{now.Add(-23 * time.Hour), now.Add(-2 * time.Hour), now.Add(-time.Minute)})
			}
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"STOP", "stop by tomorrow?", "Cancel my appointment", "YES", "", "🛑", "s t o p", "don’t text me", "\xff\xfe", "no more"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, optedOut bool) {
		k, why := Explain(text, optedOut)
		if k < KeywordNone || k > KeywordHelp || why == "" {
			t.Fatalf("Explain(%q) = %v, %q", text, k, why)
		}
		if Classify(text, optedOut) != k {
			t.Fatal("Classify and Explain disagree")
		}
		if Normalize(text) == "stop" && k != KeywordOptOut {
			t.Fatalf("%q normalizes to stop but is %v", text, k)
		}
	})
}
