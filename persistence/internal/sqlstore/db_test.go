package sqlstore

import (
	"testing"
	"time"
)

func TestTimeScanner(t *testing.T) {
	at := time.Date(2025, 6, 1, 9, 30, 0, 123456000, time.UTC)
	east := time.FixedZone("east", 3*3600)
	for _, tc := range []struct {
		name  string
		src   any
		unset bool
		want  time.Time
	}{
		{"timestamptz in another zone", at.In(east), false, at},
		{"microseconds", at.UnixMicro(), false, at},
		{"NULL", nil, false, time.Time{}},
		{"zero microseconds are the epoch", int64(0), false, time.UnixMicro(0).UTC()},
		{"unset: NULL", nil, true, time.Time{}},
		{"unset: 0", int64(0), true, time.Time{}},
		{"unset: a time", at.UnixMicro(), true, at},
	} {
		got := time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC) // overwritten
		s := asTime(&got)
		if tc.unset {
			s = asUnsetTime(&got)
		}
		if err := s.Scan(tc.src); err != nil {
			t.Errorf("%s: Scan: %v", tc.name, err)
			continue
		}
		if !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("%s: got %v, want %v in UTC", tc.name, got, tc.want)
		}
	}
	var got time.Time
	if err := asTime(&got).Scan("2025-06-01"); err == nil {
		t.Error("Scan of a string succeeded")
	}
}
