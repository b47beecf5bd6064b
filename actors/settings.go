package actors

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// settingsCall asks a clinic actor to replace its clinic's settings.
type settingsCall struct {
	clinicID string
	req      messages.SettingsUpdate
}

// serveSettings answers settings updates for the clinics whose partition
// this node consumes; the other nodes stay silent. The update goes through
// the partition actor to the clinic actor, so it is decided one at a time
// with the clinic's holds and bookings.
func (e *Engine) serveSettings(nc *nats.Conn) (*nats.Subscription, error) {
	return serveClinicRequests(e, nc, messages.SubjectSettings, "settings reply", e.settingsRequest)
}

func (e *Engine) settingsRequest(pid *actor.PID, clinicID string, data []byte) messages.SettingsReply {
	var req messages.SettingsUpdate
	if err := json.Unmarshal(data, &req); err != nil || req.ClinicID != clinicID {
		return messages.SettingsReply{V: messages.Version, Outcome: messages.SettingsInvalid, Detail: "malformed settings update"}
	}
	return askClinic(e, pid, &settingsCall{clinicID: clinicID, req: req}, 15*time.Second, func(detail string) messages.SettingsReply {
		return messages.SettingsReply{V: messages.Version, Outcome: messages.SettingsFailed, Detail: detail}
	})
}

// loadSettings brings the clinic's settings up to the stored version when
// this process has not seen it yet: another node may have changed them
// while it owned the clinic.
func (a *clinicActor) loadSettings() {
	ctx, cancel := context.WithTimeout(a.engine.ctx, 10*time.Second)
	defer cancel()
	s, err := a.engine.cfg.Store.LoadClinicSettings(ctx, a.id)
	if err != nil {
		if !errors.Is(err, persistence.ErrNotFound) {
			a.log.Warn("load clinic settings; keeping the ones this node has", slog.String("error", err.Error()))
		}
		return
	}
	if s.Version <= a.engine.cfg.Clinics.Version(a.id) {
		return
	}
	c, err := clinic.DecodeSettings(s.Settings)
	if err != nil {
		a.log.Error("stored clinic settings are invalid; keeping the ones this node has", slog.Int64("version", s.Version),
			slog.Any("fields", clinic.FieldNames(err)))
		return
	}
	if _, err := a.engine.cfg.Clinics.Put(c, s.Version); err != nil {
		a.log.Error("stored clinic settings conflict with another clinic", slog.String("error", err.Error())) // numbers masked
	}
}

// updateSettings validates an update, stores it with a version fence,
// makes it the settings its leads read, and tells the other processes.
func (a *clinicActor) updateSettings(ctx actor.Context, call *settingsCall) {
	ctx.Respond(a.applySettings(call.req))
}

func (a *clinicActor) applySettings(req messages.SettingsUpdate) *messages.SettingsReply {
	reply := func(outcome, detail string) *messages.SettingsReply {
		return &messages.SettingsReply{V: messages.Version, Outcome: outcome, Detail: detail}
	}
	c, err := clinic.DecodeSettings(req.Settings)
	if err != nil {
		return reply(messages.SettingsInvalid, err.Error())
	}
	if c.ID != a.id {
		return reply(messages.SettingsInvalid, fmt.Sprintf("settings of clinic %q sent to clinic %q", c.ID, a.id))
	}
	if other, n := a.engine.cfg.Clinics.Owner(c.ID, c.PhoneNumbers); other != "" {
		return reply(messages.SettingsNumberUse, fmt.Sprintf("%s belongs to clinic %q", n, other))
	}
	b, err := clinic.EncodeSettings(c)
	if err != nil {
		return reply(messages.SettingsFailed, err.Error())
	}
	now := a.engine.cfg.Now()
	sctx, cancel := context.WithTimeout(a.engine.ctx, 10*time.Second)
	defer cancel()
	store := a.engine.cfg.Store
	err = store.SaveClinicSettings(sctx, persistence.ClinicSettings{ClinicID: a.id, Version: req.Version, Settings: b, UpdatedAt: now, UpdatedBy: req.By})
	version, at, by := req.Version+1, now, req.By
	switch {
	case errors.Is(err, persistence.ErrVersionConflict):
		cur, lerr := store.LoadClinicSettings(sctx, a.id)
		if lerr != nil {
			return reply(messages.SettingsFailed, lerr.Error())
		}
		if cur.Version != version || !bytes.Equal(cur.Settings, b) {
			r := reply(messages.SettingsConflict, fmt.Sprintf("the settings are at version %d, not %d", cur.Version, req.Version))
			r.Version, r.Settings = cur.Version, cur.Settings
			return r
		}
		// The same update was stored already (a retried request): answer
		// as the first time.
		at, by = cur.UpdatedAt, cur.UpdatedBy
	case errors.Is(err, persistence.ErrNotFound):
		return reply(messages.SettingsFailed, "the clinic has no stored settings")
	case err != nil:
		return reply(messages.SettingsFailed, err.Error())
	}
	if _, err := a.engine.cfg.Clinics.Put(c, version); err != nil {
		a.log.Error("settings stored but not applied here", slog.String("error", err.Error()))
	}
	a.engine.cfg.Metrics.settingsUpdates.Inc()
	a.log.Info("clinic settings updated", slog.Int64("version", version), slog.String("by", req.By))
	a.announceSettings(sctx, version, req.By, now)
	r := reply(messages.SettingsOK, "")
	r.Version, r.Settings, r.UpdatedAt, r.UpdatedBy = version, b, at.UTC(), by
	return r
}

// announceSettings publishes settings.changed, so every other process
// (gateways routing numbers, other engine nodes) reloads the clinic. A
// process that misses it catches up at its next periodic reload.
func (a *clinicActor) announceSettings(ctx context.Context, version int64, by string, now time.Time) {
	id := fmt.Sprintf("settings:%s:%d", a.id, version)
	data, _ := json.Marshal(map[string]any{"version": version, "by": by})
	ev := messages.Event{V: messages.Version, ID: id, Type: messages.EventSettingsChanged, ClinicID: a.id, LeadID: messages.ClinicToken, At: now, Data: data}
	b, err := json.Marshal(ev)
	if err == nil {
		_, err = a.engine.cfg.JS.Publish(ctx, messages.EventSubject(a.id, messages.ClinicToken, ev.Type), b, jetstream.WithMsgID(id))
	}
	if err != nil {
		a.log.Warn("settings.changed not published; other processes reload on their next sweep", slog.String("error", err.Error()))
	}
}
