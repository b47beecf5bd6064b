package actors

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/medspa/engine/messages"
)

// partitionActor owns one inbound partition on this node: it routes each
// delivery to the clinic's actor, spawning it on first use. Stopping it
// stops every clinic and conversation of the partition.
type partitionActor struct {
	engine  *Engine
	p       int
	clinics map[string]*actor.PID
}

func newPartition(e *Engine, p int) *partitionActor {
	return &partitionActor{engine: e, p: p, clinics: map[string]*actor.PID{}}
}

func (a *partitionActor) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *delivery:
		pid := a.clinic(ctx, m.clinicID)
		if pid == nil {
			a.engine.deadLetter(m.msg, errUnknownClinic(m.clinicID), "unknown_clinic", deadInfo{})
			a.engine.inflight.Add(-1)
			return
		}
		ctx.Send(pid, m)
	case *settingsCall:
		pid := a.clinic(ctx, m.clinicID)
		if pid == nil {
			ctx.Respond(&messages.SettingsReply{V: messages.Version, Outcome: messages.SettingsInvalid, Detail: "unknown clinic"})
			return
		}
		ctx.Forward(pid) // the clinic actor answers the requester
	case *blockCall:
		pid := a.clinic(ctx, m.clinicID)
		if pid == nil {
			ctx.Respond(&messages.BlockReply{V: messages.Version, Outcome: messages.BlockInvalid, Detail: "unknown clinic"})
			return
		}
		ctx.Forward(pid)
	case *calendarBusyCall:
		pid := a.clinic(ctx, m.clinicID)
		if pid == nil {
			ctx.Respond(&calendarBusyReply{err: errUnknownClinic(m.clinicID)})
			return
		}
		ctx.Forward(pid)
	}
}

// clinic returns the actor of a clinic of this partition, spawning it on
// first use; nil for a clinic this process does not know.
func (a *partitionActor) clinic(ctx actor.Context, id string) *actor.PID {
	if pid, ok := a.clinics[id]; ok {
		return pid
	}
	c, known := a.engine.cfg.Clinics.ByID(id)
	if !known {
		return nil
	}
	pid := ctx.Spawn(actor.PropsFromProducer(func() actor.Actor { return newClinicActor(a.engine, c) }, actor.WithDispatcher(a.engine.mailbox)))
	a.clinics[id] = pid
	return pid
}
