package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/messages"
)

// Topology is the shape of the streams: every role calls EnsureStreams with
// the same values.
type Topology struct {
	Partitions  int           // inbound partitions (consumers)
	Replicas    int           // stream replicas (1 single node, 3 in a cluster)
	DedupWindow time.Duration // JetStream duplicate window
	AckWait     time.Duration // how long a delivered command may stay unacked (sender, payments)
	// InboundAckWait is the ack wait of the inbound partition consumers.
	// Engine nodes renew it for the messages they hold (in-progress acks
	// every third of it), so it bounds how long a message held by a dead
	// node waits before the partition's next owner gets it.
	InboundAckWait time.Duration
}

// DefaultTopology is the single-node default.
func DefaultTopology() Topology {
	return Topology{Partitions: 8, Replicas: 1, DedupWindow: 2 * time.Minute, AckWait: 30 * time.Second, InboundAckWait: 6 * time.Second}
}

// PriorityGroup is the priority group of the partition consumers: a
// partition is pinned to one engine node at a time.
const PriorityGroup = "engine"

// SenderConsumer is the durable name of the send-command consumer.
const SenderConsumer = "sender"

// PaymentsConsumer is the durable name of the payment-command consumer.
const PaymentsConsumer = "payments"

// EnsureStreams creates or updates the engine's streams and consumers.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, t Topology) error {
	if t.Partitions < 1 || t.Partitions > 1024 {
		return fmt.Errorf("partitions %d out of range 1..1024", t.Partitions)
	}
	if t.Replicas < 1 {
		t.Replicas = 1
	}
	streams := []jetstream.StreamConfig{{
		Name:        messages.StreamInbound,
		Description: "inbound work for conversations, partitioned by clinic",
		Subjects:    []string{messages.SubjectInbound},
		SubjectTransform: &jetstream.SubjectTransformConfig{
			Source:      messages.SubjectInbound,
			Destination: messages.PartitionTransform(t.Partitions),
		},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    t.Replicas,
		Duplicates:  t.DedupWindow,
		AllowDirect: true,
	}, {
		Name:        messages.StreamOutbound,
		Description: "commands from the outbox: texts to the sender, payments to the payments worker",
		Subjects:    []string{messages.SubjectCommands + ".>"},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    t.Replicas,
		Duplicates:  t.DedupWindow,
	}, {
		Name:        messages.StreamEvents,
		Description: "domain events for operators and staff",
		Subjects:    []string{messages.SubjectEvents + ".>"},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    t.Replicas,
		MaxAge:      72 * time.Hour,
		Duplicates:  t.DedupWindow,
	}, {
		Name:        messages.StreamDead,
		Description: "messages that could not be processed, with the reason",
		Subjects:    []string{messages.SubjectDead + ".>"},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    t.Replicas,
		MaxAge:      30 * 24 * time.Hour,
	}}
	for _, sc := range streams {
		if _, err := js.CreateOrUpdateStream(ctx, sc); err != nil {
			return fmt.Errorf("stream %s: %w", sc.Name, err)
		}
	}
	in, err := js.Stream(ctx, messages.StreamInbound)
	if err != nil {
		return fmt.Errorf("stream %s: %w", messages.StreamInbound, err)
	}
	for p := 0; p < t.Partitions; p++ {
		if _, err := in.CreateOrUpdateConsumer(ctx, PartitionConsumerConfig(p, t)); err != nil {
			return fmt.Errorf("consumer %s: %w", messages.PartitionConsumer(p), err)
		}
	}
	out, err := js.Stream(ctx, messages.StreamOutbound)
	if err != nil {
		return fmt.Errorf("stream %s: %w", messages.StreamOutbound, err)
	}
	// The sender's filter is set before the payments consumer is created:
	// consumers of a work queue must not overlap.
	if _, err := out.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       SenderConsumer,
		FilterSubject: messages.SubjectSendSMS + ".>",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       t.AckWait,
		MaxAckPending: 4096,
	}); err != nil {
		return fmt.Errorf("consumer %s: %w", SenderConsumer, err)
	}
	if _, err := out.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       PaymentsConsumer,
		FilterSubject: messages.SubjectPaymentCmd + ".>",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       t.AckWait,
		MaxAckPending: 1024,
	}); err != nil {
		return fmt.Errorf("consumer %s: %w", PaymentsConsumer, err)
	}
	return nil
}

// PartitionConsumerConfig is the configuration of partition p's consumer.
func PartitionConsumerConfig(p int, t Topology) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:        messages.PartitionConsumer(p),
		FilterSubject:  messages.PartitionFilter(p),
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        t.InboundAck(),
		MaxAckPending:  2048,
		PriorityGroups: []string{PriorityGroup},
		PriorityPolicy: jetstream.PriorityPolicyPinned,
		PinnedTTL:      10 * time.Second,
	}
}

// InboundAck is InboundAckWait, or its default when unset.
func (t Topology) InboundAck() time.Duration {
	if t.InboundAckWait > 0 {
		return t.InboundAckWait
	}
	return DefaultTopology().InboundAckWait
}

// ErrStreamsMissing reports that the streams have not been created yet.
var ErrStreamsMissing = errors.New("streams missing")
