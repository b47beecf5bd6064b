package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/messages"
)

// EventSource delivers the domain events published on a NATS subject
// (wildcards allowed) to fn, one payload at a time, until unsubscribe is
// called. fn must not block for long.
type EventSource interface {
	Subscribe(ctx context.Context, subject string, fn func([]byte)) (unsubscribe func(), err error)
}

// Bounds of one event stream.
const (
	sseBuffer    = 256
	sseHeartbeat = 15 * time.Second
)

// handleEvents streams a clinic's domain events as Server-Sent Events: one
// "message" per messages.Event (data is its JSON, id its id), a "ready"
// event once subscribed, and a comment every 15 s to keep proxies from
// closing the stream. A client too slow to keep up gets an "overflow"
// event and the stream ends; it reconnects and reloads what it shows.
// A stream opened through a session also ends with "expired" when, at an
// event or a heartbeat, the session is found ended (signed out, expired,
// its user disabled).
// When the token that opened the stream expires, an "expired" event ends
// it: the client needs a new token. The stream also ends when done is
// closed (server shutdown).
func handleEvents(src EventSource, done <-chan struct{}, now func() time.Time, alive func(context.Context, *Claims) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := claimsFrom(r.Context())
		if c == nil || c.ExpiresAt == nil {
			Error(w, r, fmt.Errorf("%w: no token", ErrUnauthorized))
			return
		}
		if src == nil {
			Error(w, r, fmt.Errorf("%w: no event source configured", ErrUnavailable))
			return
		}
		s := &eventStream{w: w, rc: http.NewResponseController(w), claims: c, until: c.ExpiresAt.Time, now: now, alive: alive}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		feed := newEventFeed()
		subject := messages.SubjectEvents + "." + chi.URLParam(r, "clinic_id") + ".>"
		unsub, err := src.Subscribe(ctx, subject, feed.offer)
		if err != nil {
			Error(w, r, fmt.Errorf("%w: subscribe to events: %v", ErrUnavailable, err))
			return
		}
		defer unsub()
		if !s.open() {
			return
		}
		s.run(ctx, done, feed)
	})
}

// eventFeed buffers the events of a subscription for one stream; when the
// buffer is full, overflow is closed.
type eventFeed struct {
	events   chan []byte
	overflow chan struct{}
	once     sync.Once
}

func newEventFeed() *eventFeed {
	return &eventFeed{events: make(chan []byte, sseBuffer), overflow: make(chan struct{})}
}

// offer buffers one event without blocking.
func (f *eventFeed) offer(b []byte) {
	select {
	case f.events <- b:
	default:
		f.once.Do(func() { close(f.overflow) })
	}
}

// eventStream writes one client's Server-Sent Events.
type eventStream struct {
	w      http.ResponseWriter
	rc     *http.ResponseController
	claims *Claims
	until  time.Time // when the token that opened the stream expires
	now    func() time.Time
	alive  func(context.Context, *Claims) bool
}

// open answers 200 with the stream's headers and the "ready" event; false
// when the client is gone.
func (s *eventStream) open() bool {
	// A stream outlives the server's write timeout.
	_ = s.rc.SetWriteDeadline(time.Time{})
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	s.w.WriteHeader(http.StatusOK)
	fmt.Fprint(s.w, "retry: 3000\nevent: ready\ndata: {}\n\n")
	return s.rc.Flush() == nil
}

// run writes the feed's events, heartbeats and the event that ends the
// stream, until one does or the client or the server goes away.
func (s *eventStream) run(ctx context.Context, done <-chan struct{}, feed *eventFeed) {
	tick := time.NewTicker(sseHeartbeat)
	defer tick.Stop()
	// The timer runs on real time; the clock decides whether the token
	// has expired when it fires and at every heartbeat.
	expiry := time.NewTimer(s.until.Sub(s.now()))
	defer expiry.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-done:
			return
		case <-feed.overflow:
			s.end("overflow")
			return
		case <-expiry.C:
			if left := s.until.Sub(s.now()); left > 0 {
				expiry.Reset(left)
				continue
			}
			s.end("expired")
			return
		case <-tick.C:
			if !s.now().Before(s.until) || !s.alive(ctx, s.claims) {
				s.end("expired")
				return
			}
			fmt.Fprint(s.w, ": keep-alive\n\n")
		case b := <-feed.events:
			id, line, ok := parseStreamEvent(b)
			if !ok {
				continue // not an event of ours
			}
			if !s.alive(ctx, s.claims) {
				s.end("expired") // signed out or disabled
				return
			}
			fmt.Fprintf(s.w, "id: %s\ndata: %s\n\n", sseLine(id), line)
		}
		if s.rc.Flush() != nil {
			return
		}
	}
}

// end writes the event that ends the stream ("overflow", "expired").
func (s *eventStream) end(event string) {
	fmt.Fprintf(s.w, "event: %s\ndata: {}\n\n", event)
	_ = s.rc.Flush()
}

// parseStreamEvent is a published messages.Event's id and its JSON on one
// line; false when b is not an event of a conversation.
func parseStreamEvent(b []byte) (id string, line []byte, ok bool) {
	var ev messages.Event
	var buf bytes.Buffer
	if json.Unmarshal(b, &ev) != nil || !messages.ValidToken(ev.LeadID) || json.Compact(&buf, b) != nil {
		return "", nil, false
	}
	return ev.ID, buf.Bytes(), true
}

// sseLine keeps a value on one SSE line.
func sseLine(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\n' && s[i] != '\r' {
			out = append(out, s[i])
		}
	}
	return string(out)
}
