package actors

import (
	"github.com/asynkron/protoactor-go/actor"
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
		pid, ok := a.clinics[m.clinicID]
		if !ok {
			c, known := a.engine.cfg.Clinics.ByID(m.clinicID)
			if !known {
				a.engine.deadLetter(m.msg, errUnknownClinic(m.clinicID), "unknown_clinic")
				a.engine.inflight.Add(-1)
				return
			}
			pid = ctx.Spawn(actor.PropsFromProducer(func() actor.Actor { return newClinicActor(a.engine, c) }))
			a.clinics[m.clinicID] = pid
		}
		ctx.Send(pid, m)
	}
}
