package actors

import (
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/nats-io/nats.go"

	"github.com/medspa/engine/messages"
)

// stateQuery asks a lead actor for its state as it is in memory.
type stateQuery struct{}

func (a *leadActor) key() string { return a.clinic.ID + "/" + a.leadID }

// liveState answers a stateQuery; nil when the actor has not loaded a state.
func (a *leadActor) liveState() *messages.LiveState {
	if !a.loaded || !a.exists {
		return nil
	}
	b, err := json.Marshal(a.state)
	if err != nil {
		return nil
	}
	return &messages.LiveState{V: messages.Version, Version: a.version, State: b}
}

// serveLiveState answers live state requests for the conversations whose
// actors are in memory on this node. Nodes without the actor stay silent,
// so the requester falls back to the stored snapshot when nobody answers.
func (e *Engine) serveLiveState(nc *nats.Conn) (*nats.Subscription, error) {
	return nc.Subscribe(messages.SubjectLiveState+".*.*", func(m *nats.Msg) {
		t := strings.Split(m.Subject, ".")
		v, ok := e.live.Load(t[len(t)-2] + "/" + t[len(t)-1])
		if !ok || m.Reply == "" {
			return
		}
		res, err := e.system.Root.RequestFuture(v.(*actor.PID), &stateQuery{}, time.Second).Result()
		st, _ := res.(*messages.LiveState)
		if err != nil || st == nil {
			return
		}
		b, err := json.Marshal(st)
		if err != nil {
			return
		}
		if err := m.Respond(b); err != nil {
			e.cfg.Logger.Debug("live state reply", slog.String("error", err.Error()))
		}
	})
}
