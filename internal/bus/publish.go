package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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

// NewDeadLetter describes m, which failed for reason (label: a short name
// of the reason, may be empty), as a dead letter of source: its data, its
// headers and where a replay publishes it.
func NewDeadLetter(source string, m jetstream.Msg, reason error, label string, now time.Time) messages.DeadLetter {
	h := m.Headers()
	dl := messages.DeadLetter{V: messages.Version, Source: source, Subject: m.Subject(), ReplayTo: ReplaySubject(m.Subject()),
		MsgID: h.Get(jetstream.MsgIDHeader), Reason: label, Error: reason.Error(), At: now, Data: m.Data()}
	for k, v := range h {
		// The publisher's headers; not those JetStream adds on delivery
		// (Nats-Pin-Id ...) or that would make a replay fail
		// (Nats-Expected-...). The message id is MsgID.
		if strings.HasPrefix(k, "Nats-") {
			continue
		}
		if dl.Headers == nil {
			dl.Headers = map[string][]string{}
		}
		dl.Headers[k] = append([]string(nil), v...)
	}
	if md, err := m.Metadata(); err == nil {
		dl.Deliveries = md.NumDelivered
	}
	return dl
}

// PublishDeadLetter stores dl on the dead-letter subject of its source and
// returns its sequence in the dead-letter stream, which is its id for
// `medspa dlq`.
func PublishDeadLetter(ctx context.Context, js jetstream.JetStream, dl messages.DeadLetter) (uint64, error) {
	b, err := json.Marshal(dl)
	if err != nil {
		return 0, fmt.Errorf("encode dead letter: %w", err)
	}
	ack, err := js.Publish(ctx, messages.DeadSubject(dl.Source), b)
	if err != nil {
		return 0, fmt.Errorf("publish dead letter: %w", err)
	}
	return ack.Sequence, nil
}

// ReplaySubject is where a message delivered from subject is published
// again: an inbound message stored under its partition
// (medspa.part.<p>.<clinic>.<lead>.<kind>) goes back to the subject the
// gateway publishes to, so that the stream assigns its partition again;
// any other subject is its own.
func ReplaySubject(subject string) string {
	if _, clinicID, leadID, kind, ok := messages.ParsePartitioned(subject); ok {
		return messages.InboundSubject(clinicID, leadID, kind)
	}
	return subject
}
