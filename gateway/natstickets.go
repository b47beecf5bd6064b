package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/messages"
)

// TicketsBucket is the JetStream key-value bucket of stream tickets.
const TicketsBucket = messages.BucketTickets

// NATSTickets keeps stream tickets in a JetStream key-value bucket, so that
// a ticket one gateway issued opens a stream at any gateway, once.
type NATSTickets struct{ KV jetstream.KeyValue }

// TicketsBucketConfig is the tickets bucket: in memory, each key kept
// twice a ticket's lifetime.
func TicketsBucketConfig(replicas int) jetstream.KeyValueConfig {
	return jetstream.KeyValueConfig{
		Bucket:      TicketsBucket,
		Description: "single-use tickets that open staff event streams",
		History:     1,
		TTL:         2 * StreamTicketTTL,
		Storage:     jetstream.MemoryStorage,
		Replicas:    max(replicas, 1),
	}
}

// OpenNATSTickets opens the tickets bucket, creating or updating it only
// when it is missing or differs (bus.EnsureKeyValue).
func OpenNATSTickets(ctx context.Context, js jetstream.JetStream, replicas int) (NATSTickets, error) {
	kv, err := bus.EnsureKeyValue(ctx, js, TicketsBucketConfig(replicas))
	if err != nil {
		return NATSTickets{}, fmt.Errorf("tickets bucket: %w", err)
	}
	return NATSTickets{KV: kv}, nil
}

// Put stores t under key.
func (n NATSTickets) Put(ctx context.Context, key string, t StreamTicket) error {
	b, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode ticket: %w", err)
	}
	if _, err := n.KV.Create(ctx, key, b); err != nil {
		return fmt.Errorf("put ticket: %w", err)
	}
	return nil
}

// Take returns the ticket under key and deletes it; the delete is
// conditional on the revision read, so of two gateways taking the same
// ticket at once only one gets it.
func (n NATSTickets) Take(ctx context.Context, key string) (StreamTicket, error) {
	e, err := n.KV.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return StreamTicket{}, ErrNoTicket
	}
	if err != nil {
		return StreamTicket{}, fmt.Errorf("get ticket: %w", err)
	}
	if err := n.KV.Delete(ctx, key, jetstream.LastRevision(e.Revision())); err != nil {
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
			apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
			return StreamTicket{}, ErrNoTicket // taken by someone else meanwhile
		}
		return StreamTicket{}, fmt.Errorf("use ticket: %w", err)
	}
	var t StreamTicket
	if err := json.Unmarshal(e.Value(), &t); err != nil {
		return StreamTicket{}, fmt.Errorf("decode ticket: %w", err)
	}
	return t, nil
}
