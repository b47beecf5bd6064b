package actors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// clinicView is the clinic's settings and calendar as its lead actors read
// them when they decide. The settings are the process's directory entry,
// which every settings update replaces (on this node by the clinic actor,
// on the others by the settings.changed event), so a lead sees an update
// from its next message on. The calendar is written only by the clinic
// actor, always as a fresh copy, so readers never see it change under them.
type clinicView struct {
	dir  *directory.Directory
	id   string
	last *clinic.Clinic // used if the directory ever lost the clinic
	cal  atomic.Pointer[clinic.Calendar]
}

func newClinicView(dir *directory.Directory, c *clinic.Clinic) *clinicView {
	return &clinicView{dir: dir, id: c.ID, last: c}
}

// clinic returns the settings in force; the value is never modified.
func (v *clinicView) clinic() *clinic.Clinic {
	if c, ok := v.dir.ByID(v.id); ok {
		return c
	}
	return v.last
}

func (v *clinicView) load() clinic.Calendar {
	if c := v.cal.Load(); c != nil {
		return *c
	}
	return clinic.Calendar{}
}

func (v *clinicView) store(c clinic.Calendar) {
	cp := clinic.Calendar{Appointments: slices.Clone(c.Appointments), Blocks: slices.Clone(c.Blocks)}
	v.cal.Store(&cp)
}

// holdCall is a lead's request to its clinic's calendar.
type holdCall struct{ req conversation.HoldRequest }

// holdReply is the clinic's answer: the result, or why there is none yet.
type holdReply struct {
	res conversation.HoldResult
	err error
}

// loadCalendar reads the clinic's persisted calendar, retrying while the
// store is unreachable: the clinic decides nothing before it knows its
// bookings. A calendar that cannot be decoded is not replaced by an empty
// one (the next hold would write that over every booking): the clinic
// refuses holds until the stored calendar can be read (see unreadable).
func (a *clinicActor) loadCalendar() {
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(a.engine.ctx, 10*time.Second)
		snap, err := a.engine.cfg.Store.LoadClinic(ctx, a.id)
		cancel()
		switch {
		case errors.Is(err, persistence.ErrNotFound):
			a.version = 0
			a.view.store(clinic.Calendar{})
			a.readable()
			return
		case err == nil:
			var cal clinic.Calendar
			if err := json.Unmarshal(snap.State, &cal); err != nil {
				a.unreadable(snap.Version, err)
				return
			}
			a.version = snap.Version
			a.view.store(cal)
			a.readable()
			return
		}
		if a.engine.ctx.Err() != nil {
			return
		}
		a.log.Warn("load clinic calendar; retrying", slog.String("error", err.Error()))
		sleepCtx(a.engine.ctx, backoff(attempt))
	}
}

// hold applies one lead's request to the calendar and persists it with a
// version fence before answering: a hold exists once the lead hears of it.
func (a *clinicActor) hold(ctx actor.Context, call *holdCall) {
	if a.broken != nil {
		a.loadCalendar() // repaired meanwhile?
		if a.broken != nil {
			ctx.Respond(&holdReply{err: a.broken})
			return
		}
	}
	for attempt := 0; attempt < 5; attempt++ {
		now := a.engine.cfg.Now()
		next, res := conversation.DecideClinic(a.view.load(), a.view.clinic(), call.req, now)
		err := a.saveCalendar(next, now)
		switch {
		case err == nil:
			ctx.Respond(&holdReply{res: res})
			a.engine.calendarChanged(a.view.clinic())
			return
		case errors.Is(err, errEncodeCalendar):
			ctx.Respond(&holdReply{err: err})
			return
		case errors.Is(err, persistence.ErrVersionConflict):
			a.log.Warn("clinic calendar written elsewhere; reloading")
			a.loadCalendar()
			if a.broken != nil {
				ctx.Respond(&holdReply{err: a.broken})
				return
			}
			continue
		}
		if errors.Is(err, persistence.ErrRejected) {
			err = &permanentError{err: err, reason: "store_rejected"}
		}
		ctx.Respond(&holdReply{err: fmt.Errorf("save calendar: %w", err)})
		return
	}
	ctx.Respond(&holdReply{err: errors.New("save calendar: version conflicts persist")})
}

// errEncodeCalendar: a calendar could not be encoded to be stored.
var errEncodeCalendar = errors.New("encode calendar")

// saveCalendar stores next with the version fence and makes it the
// calendar the leads read. The store's errors are returned as they are.
func (a *clinicActor) saveCalendar(next clinic.Calendar, now time.Time) error {
	state, err := json.Marshal(next)
	if err != nil {
		return fmt.Errorf("%w: %w", errEncodeCalendar, err)
	}
	sctx, cancel := context.WithTimeout(a.engine.ctx, 10*time.Second)
	defer cancel()
	if err := a.engine.cfg.Store.SaveClinic(sctx, persistence.ClinicSnapshot{ClinicID: a.id, Version: a.version, State: state, UpdatedAt: now}); err != nil {
		return err
	}
	a.version++
	a.view.store(next)
	return nil
}

// ErrCalendarUnreadable: the clinic's stored calendar cannot be decoded.
var ErrCalendarUnreadable = errors.New("clinic calendar cannot be decoded")

// unreadable stops the clinic's holds: its stored calendar (version) cannot
// be decoded. Every hold request is answered with a permanent error, and
// reads the calendar again first, so a repaired calendar is used from the
// next request on; the leads' requests stay pending in their
// conversations meanwhile and are asked again when they are next
// activated. It is said once per clinic and node: a log line, the
// medspa_clinic_calendars_unreadable gauge and a calendar.unreadable
// clinic event.
func (a *clinicActor) unreadable(version int64, err error) {
	a.version = version
	first := a.broken == nil
	a.broken = &permanentError{err: fmt.Errorf("%w (version %d): %v", ErrCalendarUnreadable, version, err), reason: "calendar_unreadable"}
	if !first {
		return
	}
	a.engine.cfg.Metrics.brokenCalendars.Inc()
	a.log.Error("clinic calendar cannot be decoded; holds are refused until it is repaired",
		slog.Int64("version", version), slog.String("error", err.Error()))
	id := fmt.Sprintf("calendar-unreadable:%s:%d", a.id, version)
	data, _ := json.Marshal(map[string]any{"version": version, "error": err.Error()})
	ev := messages.Event{V: messages.Version, ID: id, Type: EventCalendarUnreadable, ClinicID: a.id, LeadID: messages.ClinicToken,
		At: a.engine.cfg.Now(), Data: data}
	b, merr := json.Marshal(ev)
	if merr != nil {
		return
	}
	ctx, cancel := context.WithTimeout(a.engine.ctx, 5*time.Second)
	defer cancel()
	if _, perr := a.engine.cfg.JS.Publish(ctx, messages.EventSubject(a.id, messages.ClinicToken, ev.Type), b, jetstream.WithMsgID(id)); perr != nil {
		a.log.Warn("calendar.unreadable not published", slog.String("error", perr.Error()))
	}
}

// readable ends what unreadable started.
func (a *clinicActor) readable() {
	if a.broken == nil {
		return
	}
	a.broken = nil
	a.engine.cfg.Metrics.brokenCalendars.Dec()
	a.log.Info("clinic calendar readable again; holds resume")
}

// EventCalendarUnreadable is the type of the clinic event that says its
// stored calendar cannot be decoded (docs/EVENTS.md, Engine events).
const EventCalendarUnreadable = "calendar.unreadable"
