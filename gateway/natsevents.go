package gateway

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
)

// NATSEvents is an EventSource over a core NATS subscription: the events
// the engine publishes to JetStream (stream MEDSPA_EVT) are also delivered
// to core subscribers of their subjects, live, without replay.
type NATSEvents struct{ Conn *nats.Conn }

// Subscribe subscribes fn to subject until unsubscribe is called.
func (n NATSEvents) Subscribe(_ context.Context, subject string, fn func([]byte)) (func(), error) {
	sub, err := n.Conn.Subscribe(subject, func(m *nats.Msg) { fn(m.Data) })
	if err != nil {
		return nil, fmt.Errorf("subscribe %s: %w", subject, err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}
