package paging

import (
	"errors"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	c := Cursor{UpdatedAt: time.Date(2025, 3, 4, 5, 6, 7, 123456000, time.UTC), LeadID: "lead-1"}
	got, err := Decode(Encode(c))
	if err != nil {
		t.Fatal(err)
	}
	if !got.UpdatedAt.Equal(c.UpdatedAt) || got.LeadID != c.LeadID {
		t.Fatalf("Decode(Encode(%v)) = %v", c, got)
	}
}

func TestDecodeRejectsGarbage(t *testing.T) {
	for _, s := range []string{"!!", "bm90IGpzb24", Encode(Cursor{})} {
		if _, err := Decode(s); !errors.Is(err, ErrBadCursor) {
			t.Errorf("Decode(%q) err = %v, want ErrBadCursor", s, err)
		}
	}
}

func TestLimit(t *testing.T) {
	for in, want := range map[int]int{-1: 50, 0: 50, 1: 1, 200: 200, 201: 200} {
		if got := Limit(in); got != want {
			t.Errorf("Limit(%d) = %d, want %d", in, got, want)
		}
	}
}
