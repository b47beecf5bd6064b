package gateway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
)

// StreamTicketTTL is how long a stream ticket waits to be used.
const StreamTicketTTL = 60 * time.Second

// A browser's EventSource cannot set an Authorization header, and a token
// in a URL ends up in histories and proxy logs. So the inbox asks for a
// stream ticket with its bearer token and opens the stream with
// ?ticket=: random, valid StreamTicketTTL, good for one stream of one
// clinic, and the stream it opens still ends when the token expires.

// StreamTicket is what a ticket stands for.
type StreamTicket struct {
	// Claims are those of the token that asked for the ticket; the stream
	// ends at their expiry.
	Claims Claims `json:"claims"`
	// ClinicID is the clinic whose events the ticket opens.
	ClinicID string `json:"clinic_id"`
	// Expires is when the ticket can no longer be used.
	Expires time.Time `json:"expires"`
}

// ErrNoTicket is the answer of TicketStore.Take for a ticket never issued,
// already used or forgotten.
var ErrNoTicket = errors.New("no such ticket")

// TicketStore keeps stream tickets between their issue and their one use.
// Keys are digests of the tickets, never the tickets themselves.
type TicketStore interface {
	// Put stores t under key.
	Put(ctx context.Context, key string, t StreamTicket) error
	// Take returns the ticket under key and removes it, so that only one
	// caller ever gets it; ErrNoTicket when there is none.
	Take(ctx context.Context, key string) (StreamTicket, error)
}

// ticketKey is the key a ticket is stored under.
func ticketKey(ticket string) string {
	sum := sha256.Sum256([]byte(ticket))
	return hex.EncodeToString(sum[:])
}

// maxMemoryTickets bounds the in-memory store.
const maxMemoryTickets = 100_000

// memoryTickets is the TicketStore of one process.
type memoryTickets struct {
	mu sync.Mutex
	m  map[string]StreamTicket
}

func newMemoryTickets() *memoryTickets { return &memoryTickets{m: map[string]StreamTicket{}} }

func (s *memoryTickets) Put(_ context.Context, key string, t StreamTicket) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= maxMemoryTickets {
		// Tickets expired before this one was issued are of no use.
		issued := t.Expires.Add(-StreamTicketTTL)
		for k, old := range s.m {
			if old.Expires.Before(issued) {
				delete(s.m, k)
			}
		}
		if len(s.m) >= maxMemoryTickets {
			return errors.New("too many unused stream tickets")
		}
	}
	s.m[key] = t
	return nil
}

func (s *memoryTickets) Take(_ context.Context, key string) (StreamTicket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[key]
	if !ok {
		return StreamTicket{}, ErrNoTicket
	}
	delete(s.m, key)
	return t, nil
}

// streamTicketIssued is the answer to POST .../events/ticket.
type streamTicketIssued struct {
	Ticket    string    `json:"ticket"`
	ExpiresAt time.Time `json:"expires_at"`
}

// handleStreamTicket issues a stream ticket for the clinic of the URL to
// the holder of a valid token (requireToken and clinicAccess ran).
func handleStreamTicket(tickets TicketStore, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := claimsFrom(r.Context())
		if c == nil {
			Error(w, r, fmt.Errorf("%w: no token", ErrUnauthorized))
			return
		}
		var raw [32]byte
		if _, err := rand.Read(raw[:]); err != nil {
			Error(w, r, fmt.Errorf("stream ticket: %w", err))
			return
		}
		ticket := base64.RawURLEncoding.EncodeToString(raw[:])
		t := StreamTicket{Claims: *c, ClinicID: chi.URLParam(r, "clinic_id"), Expires: now().Add(StreamTicketTTL)}
		if err := tickets.Put(r.Context(), ticketKey(ticket), t); err != nil {
			Error(w, r, fmt.Errorf("%w: store stream ticket: %v", ErrUnavailable, err))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusCreated, streamTicketIssued{Ticket: ticket, ExpiresAt: t.Expires.UTC()})
	})
}

// requireStreamAuth admits an event stream request that carries a stream
// ticket (?ticket=, used up here) or a valid bearer token, and puts the
// claims in the context. A token in the URL is not accepted.
func requireStreamAuth(cfg Config) func(http.Handler) http.Handler {
	byToken := requireToken(cfg)
	return func(next http.Handler) http.Handler {
		withToken := byToken(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ticket := r.URL.Query().Get("ticket")
			if ticket == "" {
				withToken.ServeHTTP(w, r)
				return
			}
			t, err := cfg.Tickets.Take(r.Context(), ticketKey(ticket))
			switch {
			case errors.Is(err, ErrNoTicket):
				refuseToken(w, r, "unknown or used stream ticket")
				return
			case err != nil:
				Error(w, r, fmt.Errorf("%w: take stream ticket: %v", ErrUnavailable, err))
				return
			case !cfg.Now().Before(t.Expires):
				refuseToken(w, r, "stream ticket expired")
				return
			case t.ClinicID != chi.URLParam(r, "clinic_id"):
				Error(w, r, fmt.Errorf("%w: the ticket is for another clinic", ErrForbidden))
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyClaims, &t.Claims)))
		})
	}
}
