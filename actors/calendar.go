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

// calendarView is the clinic's calendar as its lead actors read it when
// they decide which times to offer. Only the clinic actor writes it, always
// with a fresh copy, so readers never see a calendar change under them.
type calendarView struct {
	p atomic.Pointer[clinic.Calendar]
}

func (v *calendarView) load() clinic.Calendar {
	if c := v.p.Load(); c != nil {
		return *c
	}
	return clinic.Calendar{}
}

func (v *calendarView) store(c clinic.Calendar) {
	cp := clinic.Calendar{Appointments: slices.Clone(c.Appointments)}
	v.p.Store(&cp)
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
		snap, err := a.engine.cfg.Store.LoadClinic(ctx, a.clinic.ID)
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
		next, res := conversation.DecideClinic(a.view.load(), a.clinic, call.req, now)
		state, err := json.Marshal(next)
		if err != nil {
			ctx.Respond(&holdReply{err: fmt.Errorf("encode calendar: %w", err)})
			return
		}
		sctx, cancel := context.WithTimeout(a.engine.ctx, 10*time.Second)
		err = a.engine.cfg.Store.SaveClinic(sctx, persistence.ClinicSnapshot{ClinicID: a.clinic.ID, Version: a.version, State: state, UpdatedAt: now})
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
