package actors

import (
	"fmt"
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// clinicActor owns a clinic's conversations on this node. It spawns a lead
// actor on a lead's first message and stops it when the lead asks to
// passivate, but only once the lead has processed everything forwarded to
// it, so no message is ever left in a dying mailbox.
type clinicActor struct {
	engine  *Engine
	id      string
	log     *slog.Logger
	leads   map[string]*leadRef
	view    *clinicView // the settings and calendar as leads read them
	version int64       // the stored calendar's version
	// broken is the answer to every hold while the stored calendar cannot
	// be decoded (see unreadable); nil otherwise.
	broken *permanentError
}

type leadRef struct {
	pid       *actor.PID
	forwarded uint64
}

func newClinicActor(e *Engine, c *clinic.Clinic) *clinicActor {
	return &clinicActor{engine: e, id: c.ID, leads: map[string]*leadRef{}, view: newClinicView(e.cfg.Clinics, c),
		log: e.cfg.Logger.With(slog.String("clinic_id", c.ID))}
}

func (a *clinicActor) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		a.loadSettings()
		a.loadCalendar()
	case *actor.Stopped:
		if a.broken != nil {
			a.engine.cfg.Metrics.brokenCalendars.Dec() // this node no longer has the clinic
		}
	case *settingsCall:
		a.updateSettings(ctx, m)
	case *holdCall:
		a.hold(ctx, m)
	case *blockCall:
		a.changeBlock(ctx, m)
	case *calendarBusyCall:
		a.calendarBusy(ctx, m)
	case *delivery:
		ref, ok := a.leads[m.leadID]
		if !ok {
			leadID := m.leadID
			pid := ctx.Spawn(actor.PropsFromProducer(func() actor.Actor { return newLeadActor(a.engine, a.view, leadID) }, actor.WithDispatcher(a.engine.mailbox)))
			ref = &leadRef{pid: pid}
			a.leads[m.leadID] = ref
		}
		ref.forwarded++
		ctx.Send(ref.pid, m)
	case *passivate:
		ref, ok := a.leads[m.leadID]
		if !ok || !ref.pid.Equal(m.pid) || ref.forwarded != m.processed {
			return // more work is on its way to that actor; keep it
		}
		delete(a.leads, m.leadID)
		ctx.Stop(ref.pid)
		a.engine.cfg.Metrics.passivated.Inc()
	}
}

func errUnknownClinic(id string) error {
	return fmt.Errorf("%w: unknown clinic %q", messages.ErrInvalid, id)
}
