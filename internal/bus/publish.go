package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/messages"
)

// Publisher publishes durably: Publish returns only after JetStream has
// stored the message (PubAck). The message id is the Nats-Msg-Id, so a
// repeat inside the dedup window is stored once.
type Publisher struct {
	JS jetstream.JetStream
}

// Publish stores one message. origin, when non-zero, is when the work first
// reached the system.
func (p Publisher) Publish(ctx context.Context, subject, msgID string, data []byte, origin time.Time) error {
	m := nats.NewMsg(subject)
	m.Data = data
	m.Header.Set(jetstream.MsgIDHeader, msgID)
	if !origin.IsZero() {
		m.Header.Set(messages.HeaderOrigin, origin.UTC().Format(time.RFC3339Nano))
	}
	if _, err := p.JS.PublishMsg(ctx, m); err != nil {
		return fmt.Errorf("publish %s: %w", subject, err)
	}
	return nil
}

// Origin reads the origin header of a message, or returns zero.
func Origin(h nats.Header) time.Time {
	t, err := time.Parse(time.RFC3339Nano, h.Get(messages.HeaderOrigin))
	if err != nil {
		return time.Time{}
	}
	return t
}

// DeadLetter publishes a message that keeps failing to the dead-letter
// subject of its source, with the reason.
func DeadLetter(ctx context.Context, js jetstream.JetStream, source string, m jetstream.Msg, reason error, now time.Time) error {
	dl := messages.DeadLetter{V: messages.Version, Subject: m.Subject(), MsgID: m.Headers().Get(jetstream.MsgIDHeader), Error: reason.Error(), At: now, Data: m.Data()}
	if md, err := m.Metadata(); err == nil {
		dl.Deliveries = md.NumDelivered
	}
	b, err := json.Marshal(dl)
	if err != nil {
		return fmt.Errorf("encode dead letter: %w", err)
	}
	if _, err := js.Publish(ctx, messages.DeadSubject(source), b); err != nil {
		return fmt.Errorf("publish dead letter: %w", err)
	}
	return nil
}
