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

	"github.com/asynkron/protoactor-go/actor"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/persistence"
)

// clinicView is the clinic's settings and calendar as its lead actors read
// them when they decide. The settings are the process's directory entry,
// which every settings update replaces (on this node by the clinic actor,
// on the others by the settings.changed event), so a lead sees an update
// from its next message on. The calendar is written only by the clinic
// actor, always as a fresh copy, so readers never see it change under them.
type clinicView struct {
	dir  *clinic.Directory
	id   string
	last *clinic.Clinic // used if the directory ever lost the clinic
	cal  atomic.Pointer[clinic.Calendar]
}

func newClinicView(dir *clinic.Directory, c *clinic.Clinic) *clinicView {
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
	cp := clinic.Calendar{Appointments: slices.Clone(c.Appointments)}
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
// bookings.
func (a *clinicActor) loadCalendar() {
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(a.engine.ctx, 10*time.Second)
		snap, err := a.engine.cfg.Store.LoadClinic(ctx, a.id)
		cancel()
		switch {
		case errors.Is(err, persistence.ErrNotFound):
			a.version = 0
			a.view.store(clinic.Calendar{})
			return
		case err == nil:
			var cal clinic.Calendar
			if err := json.Unmarshal(snap.State, &cal); err != nil {
				a.log.Error("clinic calendar is corrupt; starting from an empty one", slog.String("error", err.Error()))
			}
			a.version = snap.Version
			a.view.store(cal)
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
	for attempt := 0; attempt < 5; attempt++ {
		now := a.engine.cfg.Now()
		next, res := conversation.DecideClinic(a.view.load(), a.view.clinic(), call.req, now)
		state, err := json.Marshal(next)
		if err != nil {
			ctx.Respond(&holdReply{err: fmt.Errorf("encode calendar: %w", err)})
			return
		}
		sctx, cancel := context.WithTimeout(a.engine.ctx, 10*time.Second)
		err = a.engine.cfg.Store.SaveClinic(sctx, persistence.ClinicSnapshot{ClinicID: a.id, Version: a.version, State: state, UpdatedAt: now})
		cancel()
		if err == nil {
			a.version++
			a.view.store(next)
			ctx.Respond(&holdReply{res: res})
			return
		}
		if errors.Is(err, persistence.ErrVersionConflict) {
			a.log.Warn("clinic calendar written elsewhere; reloading")
			a.loadCalendar()
			continue
		}
		ctx.Respond(&holdReply{err: fmt.Errorf("save calendar: %w", err)})
		return
	}
	ctx.Respond(&holdReply{err: errors.New("save calendar: version conflicts persist")})
}
