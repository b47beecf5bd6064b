package clinic

import (
	"errors"
	"testing"
	"time"
)

func bookingClinic(t *testing.T) (*Clinic, Service) {
	t.Helper()
	c := glowClinic(t)
	svc, _ := c.ServiceByID("botox")
	return c, svc
}

func TestBookTurnsAHoldIntoABooking(t *testing.T) {
	c, svc := bookingClinic(t)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	start := time.Date(2026, 11, 21, 21, 0, 0, 0, time.UTC)
	cal, held, err := Calendar{}.Hold(c, "ld_a", svc, start, now)
	if err != nil {
		t.Fatal(err)
	}
	cal, booked, err := cal.Book(c, "ld_a", held.ID, svc.ID, start, held.End, now)
	if err != nil {
		t.Fatal(err)
	}
	if booked.Status != StatusBooked || !booked.HoldUntil.IsZero() || booked.ID != held.ID {
		t.Fatalf("booked = %+v", booked)
	}
	// A booking outlives the hold's end.
	later := held.HoldUntil.Add(time.Hour)
	if _, _, err := cal.ExpireHolds(later).Hold(c, "ld_b", svc, start, later); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("hold over a booking: %v, want ErrSlotTaken", err)
	}
	// Idempotent for the same lead and appointment.
	again, same, err := cal.Book(c, "ld_a", held.ID, svc.ID, start, held.End, later)
	if err != nil || same != booked || len(again.Appointments) != 1 {
		t.Fatalf("book again = %+v, %v (%d appointments)", same, err, len(again.Appointments))
	}
	if _, _, err := cal.Book(c, "ld_b", held.ID, svc.ID, start, held.End, now); !errors.Is(err, ErrNoAppointment) {
		t.Fatalf("another lead's appointment: %v", err)
	}
}

func TestBookAfterTheHoldRanOut(t *testing.T) {
	c, svc := bookingClinic(t)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	start := time.Date(2026, 11, 21, 21, 0, 0, 0, time.UTC)
	cal, held, _ := Calendar{}.Hold(c, "ld_a", svc, start, now)
	late := held.HoldUntil.Add(10 * time.Minute)
	free := cal.ExpireHolds(late)
	if _, a, err := free.Book(c, "ld_a", held.ID, svc.ID, start, held.End, late); err != nil || a.Status != StatusBooked {
		t.Fatalf("book a free time after the hold: %+v, %v", a, err)
	}
	taken, _, err := free.Hold(c, "ld_b", svc, start, late)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := taken.Book(c, "ld_a", held.ID, svc.ID, start, held.End, late); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("book a time another lead holds: %v, want ErrSlotTaken", err)
	}
	if _, _, err := free.Book(c, "ld_a", held.ID, svc.ID, start, held.End, start.Add(time.Minute)); !errors.Is(err, ErrSlotUnavailable) {
		t.Fatalf("book a past time: %v, want ErrSlotUnavailable", err)
	}
}

func TestEndedBookingsStayAWeekForAttendance(t *testing.T) {
	c, svc := bookingClinic(t)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	start := time.Date(2026, 11, 21, 21, 0, 0, 0, time.UTC)
	cal, held, _ := Calendar{}.Hold(c, "ld_a", svc, start, now)
	cal, _, _ = cal.Book(c, "ld_a", held.ID, svc.ID, start, held.End, now)
	if _, ok := cal.ExpireHolds(held.End.Add(KeepAfterEnd - time.Minute)).Find(held.ID); !ok {
		t.Fatal("a booking dropped within a week of its end")
	}
	if _, ok := cal.ExpireHolds(held.End.Add(KeepAfterEnd)).Find(held.ID); ok {
		t.Fatal("a booking kept a week after its end")
	}
}

func TestCancelAndMove(t *testing.T) {
	c, svc := bookingClinic(t)
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	start := time.Date(2026, 11, 21, 21, 0, 0, 0, time.UTC)
	cal, held, _ := Calendar{}.Hold(c, "ld_a", svc, start, now)
	cal, _, _ = cal.Book(c, "ld_a", held.ID, svc.ID, start, held.End, now)

	moved := start.Add(-2 * time.Hour)
	cal2, a, err := cal.Move(c, "ld_a", held.ID, svc, moved, now)
	if err != nil || !a.Start.Equal(moved) || a.ID != held.ID || a.Status != StatusBooked {
		t.Fatalf("move = %+v, %v", a, err)
	}
	if _, _, err := cal2.Hold(c, "ld_b", svc, start, now); err != nil {
		t.Fatalf("old time not freed by the move: %v", err)
	}
	if _, _, err := cal2.Hold(c, "ld_b", svc, moved, now); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("new time not taken by the move: %v", err)
	}
	other, _, _ := cal2.Hold(c, "ld_b", svc, start, now)
	if _, _, err := other.Move(c, "ld_a", held.ID, svc, start, now); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("move onto another lead's hold: %v", err)
	}
	if _, _, err := cal2.Move(c, "ld_b", held.ID, svc, start, now); !errors.Is(err, ErrNoAppointment) {
		t.Fatalf("move another lead's booking: %v", err)
	}

	cal3, ok := cal2.Cancel("ld_a", held.ID)
	if !ok {
		t.Fatal("cancel found nothing")
	}
	if _, _, err := cal3.Hold(c, "ld_b", svc, moved, now); err != nil {
		t.Fatalf("cancelled time not freed: %v", err)
	}
	if _, ok := cal3.Cancel("ld_a", held.ID); ok {
		t.Fatal("cancelled twice")
	}
	if _, _, err := cal3.Move(c, "ld_a", held.ID, svc, start, now); !errors.Is(err, ErrNoAppointment) {
		t.Fatalf("move a cancelled booking: %v", err)
	}
}
