package timeparse

import (
	"testing"
	"time"
)

func TestWeekdayWord(t *testing.T) {
	tests := []struct {
		w    string
		want time.Weekday
		ok   bool
	}{
		{"Thursday", time.Thursday, true},
		{"thusrday", time.Thursday, true}, // neighbours swapped
		{"tuesay", time.Tuesday, true},    // a letter dropped
		{"wednesdayy", time.Wednesday, true},
		{"saturdy", time.Saturday, true},
		{"mon", time.Monday, true},
		{"fridays", time.Friday, true},
		{"monthly", 0, false},
		{"someday", 0, false},
		{"sundae", 0, false},
		{"today", 0, false},
	}
	for _, tt := range tests {
		got, ok := WeekdayWord(tt.w)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("WeekdayWord(%q) = %v, %v; want %v, %v", tt.w, got, ok, tt.want, tt.ok)
		}
	}
}
