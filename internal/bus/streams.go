package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// EnsureStreams makes the engine's streams and consumers what this version
// expects. It looks each one up first and creates or updates only what is
// missing or different, so a role whose NATS user may not create streams
// (every role but ops, RolePermissions) starts against the streams that
// `medspa migrate` set up; when it would have to change something, it
// fails with ErrStreamsMissing and what differs.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, t Topology) error {
	if t.Partitions < 1 || t.Partitions > 1024 {
		return fmt.Errorf("partitions %d out of range 1..1024", t.Partitions)
	}
	for _, sc := range StreamConfigs(t) {
		if err := ensureStream(ctx, js, sc); err != nil {
			return err
		}
	}
	for _, c := range consumerConfigs(t) {
		if err := ensureConsumer(ctx, js, c.stream, c.cfg); err != nil {
			return err
		}
	}
	return nil
}

// StreamConfigs are the engine's streams for topology t.
func StreamConfigs(t Topology) []jetstream.StreamConfig {
	if t.Replicas < 1 {
		t.Replicas = 1
	}
	return []jetstream.StreamConfig{{
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
}

type streamConsumer struct {
	stream string
	cfg    jetstream.ConsumerConfig
}

// consumerConfigs are the durable consumers, in the order they are set up:
// the sender's filter is set before the payments consumer is created, as
// consumers of a work queue must not overlap.
func consumerConfigs(t Topology) []streamConsumer {
	var out []streamConsumer
	for p := 0; p < t.Partitions; p++ {
		out = append(out, streamConsumer{messages.StreamInbound, PartitionConsumerConfig(p, t)})
	}
	return append(out, streamConsumer{messages.StreamOutbound, jetstream.ConsumerConfig{
		Durable:       SenderConsumer,
		FilterSubject: messages.SubjectSendSMS + ".>",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       t.AckWait,
		MaxAckPending: 4096,
	}}, streamConsumer{messages.StreamOutbound, jetstream.ConsumerConfig{
		Durable:       PaymentsConsumer,
		FilterSubject: messages.SubjectPaymentCmd + ".>",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       t.AckWait,
		MaxAckPending: 1024,
	}})
}

// setupHint ends the error of a role that may not set up the bus.
const setupHint = "run `medspa migrate` with the NATS user ops first"

// setupTimeout bounds a create or update: a user without the right gets no
// answer at all (the server drops the request with a permission
// violation), and the process should say so rather than hang.
const setupTimeout = 5 * time.Second

func setupCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, setupTimeout)
}

// setup is one bus resource to bring to the configuration wanted.
type setup struct {
	name string // "stream X", "consumer X of Y", "bucket X"
	// lookup finds the resource; an error that matches notFound means
	// there is none.
	lookup   func(context.Context) error
	notFound error
	// diff names how the resource found differs from the one wanted, ""
	// when it does not.
	diff           func(context.Context) (string, error)
	create, update func(context.Context) error
}

// ensure creates the resource when it is missing and updates it when it
// differs; create and update are bounded by setupTimeout.
func (s setup) ensure(ctx context.Context) error {
	err := s.lookup(ctx)
	switch {
	case errors.Is(err, s.notFound):
		cctx, cancel := setupCtx(ctx)
		defer cancel()
		if err := s.create(cctx); err != nil {
			return fmt.Errorf("%w: %s: create: %v (%s)", ErrStreamsMissing, s.name, err, setupHint)
		}
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", s.name, err)
	}
	diff, err := s.diff(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	if diff == "" {
		return nil
	}
	cctx, cancel := setupCtx(ctx)
	defer cancel()
	if err := s.update(cctx); err != nil {
		return fmt.Errorf("%w: %s differs (%s): update: %v (%s)", ErrStreamsMissing, s.name, diff, err, setupHint)
	}
	return nil
}

func ensureStream(ctx context.Context, js jetstream.JetStream, want jetstream.StreamConfig) error {
	var st jetstream.Stream
	return setup{
		name:     "stream " + want.Name,
		lookup:   func(ctx context.Context) (err error) { st, err = js.Stream(ctx, want.Name); return err },
		notFound: jetstream.ErrStreamNotFound,
		diff:     func(context.Context) (string, error) { return streamDiff(st.CachedInfo().Config, want), nil },
		create:   func(ctx context.Context) error { _, err := js.CreateStream(ctx, want); return err },
		update:   func(ctx context.Context) error { _, err := js.UpdateStream(ctx, want); return err },
	}.ensure(ctx)
}

// streamDiff names the first field of want that have does not match, or
// returns "" (fields the server fills in itself are not compared).
func streamDiff(have, want jetstream.StreamConfig) string {
	switch {
	case !slices.Equal(have.Subjects, want.Subjects):
		return "subjects"
	case have.Retention != want.Retention:
		return "retention"
	case have.Storage != want.Storage:
		return "storage"
	case have.Replicas != want.Replicas:
		return "replicas"
	case want.Duplicates != 0 && have.Duplicates != want.Duplicates:
		return "duplicate window"
	case have.MaxAge != want.MaxAge:
		return "max age"
	case have.AllowDirect != want.AllowDirect:
		return "allow direct"
	case have.Description != want.Description:
		return "description"
	case (have.SubjectTransform == nil) != (want.SubjectTransform == nil):
		return "subject transform"
	case want.SubjectTransform != nil && *have.SubjectTransform != *want.SubjectTransform:
		return "subject transform"
	}
	return ""
}

func ensureConsumer(ctx context.Context, js jetstream.JetStream, stream string, want jetstream.ConsumerConfig) error {
	var c jetstream.Consumer
	return setup{
		name:     "consumer " + want.Durable + " of " + stream,
		lookup:   func(ctx context.Context) (err error) { c, err = js.Consumer(ctx, stream, want.Durable); return err },
		notFound: jetstream.ErrConsumerNotFound,
		diff:     func(context.Context) (string, error) { return consumerDiff(c.CachedInfo().Config, want), nil },
		create:   func(ctx context.Context) error { _, err := js.CreateConsumer(ctx, stream, want); return err },
		update:   func(ctx context.Context) error { _, err := js.UpdateConsumer(ctx, stream, want); return err },
	}.ensure(ctx)
}

func consumerDiff(have, want jetstream.ConsumerConfig) string {
	switch {
	case have.FilterSubject != want.FilterSubject:
		return "filter subject"
	case have.AckPolicy != want.AckPolicy:
		return "ack policy"
	case want.AckWait != 0 && have.AckWait != want.AckWait:
		return "ack wait"
	case have.MaxAckPending != want.MaxAckPending:
		return "max ack pending"
	case !slices.Equal(have.PriorityGroups, want.PriorityGroups):
		return "priority groups"
	case have.PriorityPolicy != want.PriorityPolicy:
		return "priority policy"
	case want.PinnedTTL != 0 && have.PinnedTTL != want.PinnedTTL:
		return "pinned ttl"
	}
	return ""
}

// EnsureKeyValue opens the bucket of want, creating it when it is missing
// and updating it when it differs, as EnsureStreams does for streams.
func EnsureKeyValue(ctx context.Context, js jetstream.JetStream, want jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	var kv jetstream.KeyValue
	err := setup{
		name:     "bucket " + want.Bucket,
		lookup:   func(ctx context.Context) (err error) { kv, err = js.KeyValue(ctx, want.Bucket); return err },
		notFound: jetstream.ErrBucketNotFound,
		diff: func(ctx context.Context) (string, error) {
			st, err := js.Stream(ctx, "KV_"+want.Bucket)
			if err != nil {
				return "", err
			}
			return bucketDiff(st.CachedInfo().Config, want), nil
		},
		create: func(ctx context.Context) (err error) { kv, err = js.CreateKeyValue(ctx, want); return err },
		update: func(ctx context.Context) (err error) { kv, err = js.UpdateKeyValue(ctx, want); return err },
	}.ensure(ctx)
	if err != nil {
		return nil, err
	}
	return kv, nil
}

func bucketDiff(have jetstream.StreamConfig, want jetstream.KeyValueConfig) string {
	history := int64(want.History)
	if history < 1 {
		history = 1
	}
	replicas := max(want.Replicas, 1)
	switch {
	case have.MaxMsgsPerSubject != history:
		return "history"
	case have.MaxAge != want.TTL:
		return "ttl"
	case have.Storage != want.Storage:
		return "storage"
	case have.Replicas != replicas:
		return "replicas"
	case have.SubjectDeleteMarkerTTL != want.LimitMarkerTTL:
		return "limit marker ttl"
	case have.Description != want.Description:
		return "description"
	}
	return ""
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
