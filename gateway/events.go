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
		until := c.ExpiresAt.Time
		if src == nil {
			Error(w, r, fmt.Errorf("%w: no event source configured", ErrUnavailable))
			return
		}
		rc := http.NewResponseController(w)
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		ch := make(chan []byte, sseBuffer)
		overflow := make(chan struct{})
		var once sync.Once
		subject := messages.SubjectEvents + "." + chi.URLParam(r, "clinic_id") + ".>"
		unsub, err := src.Subscribe(ctx, subject, func(b []byte) {
			select {
			case ch <- b:
			default:
				once.Do(func() { close(overflow) })
			}
		})
		if err != nil {
			Error(w, r, fmt.Errorf("%w: subscribe to events: %v", ErrUnavailable, err))
			return
		}
		defer unsub()
		// A stream outlives the server's write timeout.
		_ = rc.SetWriteDeadline(time.Time{})
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, "retry: 3000\nevent: ready\ndata: {}\n\n")
		if rc.Flush() != nil {
			return
		}
		tick := time.NewTicker(sseHeartbeat)
		defer tick.Stop()
		// The timer runs on real time; the clock decides whether the token
		// has expired when it fires and at every heartbeat.
		expiry := time.NewTimer(until.Sub(now()))
		defer expiry.Stop()
		expired := func() {
			fmt.Fprint(w, "event: expired\ndata: {}\n\n")
			_ = rc.Flush()
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-done:
				return
			case <-overflow:
				fmt.Fprint(w, "event: overflow\ndata: {}\n\n")
				_ = rc.Flush()
				return
			case <-expiry.C:
				if left := until.Sub(now()); left > 0 {
					expiry.Reset(left)
					continue
				}
				expired()
				return
			case <-tick.C:
				if !now().Before(until) || !alive(ctx, c) {
					expired()
					return
				}
				fmt.Fprint(w, ": keep-alive\n\n")
			case b := <-ch:
				var ev messages.Event
				var line bytes.Buffer
				if json.Unmarshal(b, &ev) != nil || !messages.ValidToken(ev.LeadID) || json.Compact(&line, b) != nil {
					continue // not an event of ours
				}
				if !alive(ctx, c) {
					expired() // signed out or disabled
					return
				}
				fmt.Fprintf(w, "id: %s\ndata: %s\n\n", sseLine(ev.ID), line.Bytes())
			}
			if rc.Flush() != nil {
				return
			}
		}
	})
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
