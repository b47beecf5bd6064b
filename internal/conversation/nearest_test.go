package conversation

import (
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/timeparse"
)

// TestNearestOffer: "whatever is closest" takes the offer nearest the one
// time asked for, the earlier of two as near, else the first offer.
func TestNearestOffer(t *testing.T) {
	c := glow(t)
	loc := c.Location()
	at := func(h, m int) clinic.Slot {
		return clinic.Slot{Start: time.Date(2026, 12, 10, h, m, 0, 0, loc).UTC()}
	}
	offers := []clinic.Slot{at(13, 30), at(14, 0), at(14, 30)}
	tests := []struct {
		want *timeparse.Preference
		got  clinic.Slot
	}{
		{&timeparse.Preference{Times: []int{14*60 + 15}}, at(14, 0)},
		{&timeparse.Preference{Times: []int{14*60 + 25}}, at(14, 30)},
		{&timeparse.Preference{Times: []int{9 * 60}}, at(13, 30)},
		{&timeparse.Preference{Times: []int{9 * 60, 17 * 60}}, at(13, 30)},
		{nil, at(13, 30)},
	}
	for _, tt := range tests {
		if got := nearestOffer(c, offers, tt.want); !got.Start.Equal(tt.got.Start) {
			t.Errorf("want %v: got %v, want %v", tt.want, got.Start.In(loc), tt.got.Start.In(loc))
		}
	}
}
