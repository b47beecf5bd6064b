package actors

import (
	"github.com/asynkron/protoactor-go/actor"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/messages"
)

// delivery is one inbound JetStream message on its way to a lead actor.
type delivery struct {
	msg       jetstream.Msg // nil for a message fetched during catch-up
	data      []byte
	seq       uint64 // stream sequence
	partition int
	clinicID  string
	leadID    string
	kind      messages.Kind
	origin    time.Time // accepted at the gateway
	arrived   time.Time // delivered to this node
}

func (d *delivery) ack() {
	if d.msg != nil {
		_ = d.msg.Ack()
	}
}

func (d *delivery) inProgress() {
	if d.msg != nil {
		_ = d.msg.InProgress()
	}
}

// passivate is a lead actor's request to its clinic actor to be stopped. It
// is granted only if the lead has processed every delivery forwarded to it.
type passivate struct {
	pid       *actor.PID
	leadID    string
	processed uint64
}
