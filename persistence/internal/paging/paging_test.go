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

func TestTextPatterns(t *testing.T) {
	for _, tt := range []struct{ text, name, number string }{
		{"Ann", "%ann%", ""},
		{"ÉLODIE", "%élodie%", ""},
		{"50% off_now", `%50\% off\_now%`, ""},
		{`a\b`, `%a\\b%`, ""},
		{"(312) 555-01", "%(312) 555-01%", "%31255501%"},
		{"room 12", "%room 12%", ""},
		{"123", "%123%", "%123%"},
	} {
		name, number := TextPatterns(tt.text)
		if name != tt.name || number != tt.number {
			t.Errorf("TextPatterns(%q) = %q, %q; want %q, %q", tt.text, name, number, tt.name, tt.number)
		}
	}
}
