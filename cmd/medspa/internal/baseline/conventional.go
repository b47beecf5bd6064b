package baseline

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/outbox"
	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// RunConventional runs the conventional design until ctx ends: the webhook
// handler applies each message in its own store transaction and answers
// 200 after the commit; an outbox relay publishes the replies and the
// engine's sender delivers them.
func RunConventional(ctx context.Context, cfg Config) error {
	return run(ctx, cfg, false, func(_ context.Context, s *system) (http.Handler, []part, error) {
		cfg := s.cfg
		rjs, err := s.roleJS("relay")
		if err != nil {
			return nil, nil, err
		}
		rl := outbox.New(rjs, cfg.Store, cfg.Logger.With(slog.String("role", "relay")), cfg.Now, outbox.NewMetrics(s.reg))
		mux := http.NewServeMux()
		mux.Handle("POST /webhooks/telnyx/messages", Conventional(cfg.TelnyxPublicKey, s.dir, cfg.Store, rl.Enqueue, cfg.Now))
		mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
		return mux, []part{func(ctx context.Context) error { rl.Run(ctx); return nil }}, nil
	})
}

// maxConflicts bounds how often the handler reloads a conversation that
// someone else wrote meanwhile.
const maxConflicts = 5

// Conventional is the conventional design's webhook handler: verify the
// signature over the raw body, parse, then in one store transaction insert
// the dedup key, write the decided snapshot under its version fence and
// insert transcript and outbox rows; 200 only after the commit (a
// duplicate is 200 without effects), 503 when the store fails. Committed
// outbox rows go to published.
func Conventional(key ed25519.PublicKey, dir *directory.Directory, store persistence.Store, published func([]persistence.OutboxRow), now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		at := now()
		if err := telnyx.Verify(key, r.Header.Get(telnyx.HeaderSignature), r.Header.Get(telnyx.HeaderTimestamp), body, at, telnyx.DefaultTolerance); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		ev, err := telnyx.ParseMessage(body)
		if err != nil {
			http.Error(w, "bad webhook", http.StatusBadRequest)
			return
		}
		env, c, ok := inbound(ev, dir, at)
		if !ok {
			writeStatus(w, "ignored")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		status, err := apply(ctx, store, c, env, at, published)
		switch {
		case errors.Is(err, messages.ErrInvalid):
			http.Error(w, "cannot apply", http.StatusUnprocessableEntity)
		case err != nil:
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		default:
			writeStatus(w, status)
		}
	})
}

// apply is the conventional transaction: read the conversation, decide,
// write it back with the version check, dedup key and outbox in the same
// commit. A version conflict reloads and decides again.
func apply(ctx context.Context, store persistence.Store, c *clinic.Clinic, env messages.Envelope, at time.Time, published func([]persistence.OutboxRow)) (string, error) {
	for range maxConflicts {
		var prev *conversation.State
		snap, err := store.LoadSnapshot(ctx, c.ID, env.LeadID)
		switch {
		case errors.Is(err, persistence.ErrNotFound):
		case err != nil:
			return "", fmt.Errorf("load snapshot: %w", err)
		default:
			prev = new(conversation.State)
			if err := json.Unmarshal(snap.State, prev); err != nil {
				return "", fmt.Errorf("%w: decode snapshot: %v", messages.ErrInvalid, err)
			}
		}
		step, err := conversation.Apply(env.ID, prev, conversation.Env{Clinic: c}, env, at)
		if err != nil {
			return "", err
		}
		if !step.Store {
			return "ignored", nil
		}
		commit, err := buildCommit(env, snap.Version, step, at)
		if err != nil {
			return "", fmt.Errorf("%w: %v", messages.ErrInvalid, err)
		}
		res, err := store.Apply(ctx, []persistence.Commit{commit})
		if err != nil {
			return "", fmt.Errorf("apply: %w", err)
		}
		switch {
		case res[0] == nil:
			published(commit.Outbox)
			return "accepted", nil
		case errors.Is(res[0], persistence.ErrDuplicate):
			return "duplicate", nil
		case !errors.Is(res[0], persistence.ErrVersionConflict):
			return "", fmt.Errorf("apply: %w", res[0])
		}
	}
	return "", fmt.Errorf("apply: %w after %d tries", persistence.ErrVersionConflict, maxConflicts)
}

// inbound builds the envelope of an inbound text as the gateway does; ok is
// false for other events and for numbers no clinic owns.
func inbound(ev telnyx.Event, dir *directory.Directory, at time.Time) (messages.Envelope, *clinic.Clinic, bool) {
	if ev.Inbound == nil {
		return messages.Envelope{}, nil, false
	}
	in := ev.Inbound
	for _, to := range in.To {
		c, found := dir.ByNumber(to)
		if !found {
			continue
		}
		env := messages.Envelope{V: messages.Version, ID: "telnyx:" + ev.ID, Received: at, Kind: messages.KindSMS,
			ClinicID: c.ID, LeadID: messages.LeadID(c.ID, in.From), Phone: in.From,
			SMS: &messages.InboundSMS{Carrier: messages.CarrierTelnyx, ProviderID: in.MessageID, From: in.From, To: to, Text: in.Text, Media: in.Media}}
		if env.Validate() != nil {
			return messages.Envelope{}, nil, false
		}
		return env, c, true
	}
	return messages.Envelope{}, nil, false
}

func writeStatus(w http.ResponseWriter, status string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"status":%q}`+"\n", status)
}
