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

// serveClinicRequests answers the requests published on
// <subject>.<clinic id> for the clinics whose partition this node
// consumes; the other nodes stay silent. answer makes the reply of one
// request through the clinic's partition actor; a reply that cannot be
// sent is logged as what.
func serveClinicRequests[R any](e *Engine, nc *nats.Conn, subject, what string, answer func(pid *actor.PID, clinicID string, data []byte) R) (*nats.Subscription, error) {
	return nc.Subscribe(subject+".*", func(m *nats.Msg) {
		clinicID := m.Subject[strings.LastIndexByte(m.Subject, '.')+1:]
		pid := e.partitionPID(messages.PartitionOf(clinicID, e.cfg.Topology.Partitions))
		if pid == nil || m.Reply == "" {
			return
		}
		b, err := json.Marshal(answer(pid, clinicID, m.Data))
		if err != nil {
			return
		}
		if err := m.Respond(b); err != nil {
			e.cfg.Logger.Warn(what, slog.String("clinic_id", clinicID), slog.String("error", err.Error()))
		}
	})
}

// askClinic sends call through the partition actor pid to its clinic
// actor and waits up to timeout for the clinic's reply; when none comes,
// failed makes the reply from why.
func askClinic[R any](e *Engine, pid *actor.PID, call any, timeout time.Duration, failed func(why string) R) R {
	res, err := e.system.Root.RequestFuture(pid, call, timeout).Result()
	if r, ok := res.(*R); err == nil && ok {
		return *r
	}
	why := "the clinic did not answer"
	if err != nil {
		why += ": " + err.Error()
	}
	return failed(why)
}

// partitionPID is the actor of partition p if this node consumes it.
func (e *Engine) partitionPID(p int) *actor.PID {
	e.parts.mu.Lock()
	defer e.parts.mu.Unlock()
	if r, ok := e.parts.runs[p]; ok {
		return r.pid
	}
	return nil
}
