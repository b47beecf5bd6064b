package gateway

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/testkit"
)

// Both ticket stores: a ticket is taken once, by one caller only.
func TestTicketStores(t *testing.T) {
	stores := map[string]func(t *testing.T) TicketStore{
		"memory": func(*testing.T) TicketStore { return newMemoryTickets() },
		"nats": func(t *testing.T) TicketStore {
			nc, err := nats.Connect(testkit.NATS(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(nc.Close)
			js, err := jetstream.New(nc)
			if err != nil {
				t.Fatal(err)
			}
			s, err := OpenNATSTickets(t.Context(), js, 1)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := t.Context()
			want := StreamTicket{ClinicID: "clinic_a", Expires: adminNow.Add(StreamTicketTTL)}
			want.Claims.Subject, want.Claims.Role, want.Claims.ClinicID = "u", RoleStaff, "clinic_a"
			key := ticketKey("ticket-1")
			if _, err := s.Take(ctx, key); !errors.Is(err, ErrNoTicket) {
				t.Fatalf("Take before Put: %v, want ErrNoTicket", err)
			}
			if err := s.Put(ctx, key, want); err != nil {
				t.Fatal(err)
			}
			got, err := s.Take(ctx, key)
			if err != nil || got.ClinicID != want.ClinicID || got.Claims.Subject != "u" || !got.Expires.Equal(want.Expires) {
				t.Fatalf("Take = %+v, %v", got, err)
			}
			if _, err := s.Take(ctx, key); !errors.Is(err, ErrNoTicket) {
				t.Fatalf("second Take: %v, want ErrNoTicket", err)
			}

			// Many callers at once: one gets the ticket.
			key = ticketKey("ticket-2")
			if err := s.Put(ctx, key, want); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			won, lost := 0, 0
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := s.Take(ctx, key)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						won++
					case errors.Is(err, ErrNoTicket):
						lost++
					default:
						t.Errorf("Take: %v", err)
					}
				}()
			}
			wg.Wait()
			if won != 1 || lost != 7 {
				t.Errorf("%d callers got the ticket, %d did not; want 1 and 7", won, lost)
			}
		})
	}
}

func TestMemoryTicketsForgetExpiredWhenFull(t *testing.T) {
	s := newMemoryTickets()
	at := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	for i := range maxMemoryTickets {
		s.m[ticketKey(strconv.Itoa(i))] = StreamTicket{Expires: at}
	}
	// A ticket issued after all those expired makes room for itself.
	if err := s.Put(t.Context(), ticketKey("new"), StreamTicket{Expires: at.Add(2 * StreamTicketTTL)}); err != nil {
		t.Fatalf("Put when full of expired tickets: %v", err)
	}
	if len(s.m) != 1 {
		t.Errorf("%d tickets kept, want 1", len(s.m))
	}
	// Full of live tickets: refused.
	for i := range maxMemoryTickets {
		s.m[ticketKey(strconv.Itoa(i))] = StreamTicket{Expires: at.Add(2 * StreamTicketTTL)}
	}
	if err := s.Put(t.Context(), ticketKey("one more"), StreamTicket{Expires: at.Add(2 * StreamTicketTTL)}); err == nil {
		t.Error("Put when full of live tickets succeeded")
	}
}
