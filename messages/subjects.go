package messages

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Streams and subjects. Every NATS name the engine uses is defined here.
//
// Inbound work is published by the gateway to
//
//	medspa.in.<clinic>.<lead>.<kind>
//
// The MEDSPA_IN stream stores it, through a subject transform, as
//
//	medspa.part.<partition>.<clinic>.<lead>.<kind>
//
// where partition = hash(clinic) mod Partitions, computed by the server. Each
// partition has one durable consumer; all of a clinic's work lands in one
// partition, so one engine node owns a clinic and all its leads at a time.
const (
	StreamInbound  = "MEDSPA_IN"
	StreamOutbound = "MEDSPA_OUT"
	StreamEvents   = "MEDSPA_EVT"
	StreamDead     = "MEDSPA_DLQ"

	SubjectInbound     = "medspa.in.*.*.*"
	SubjectPartitioned = "medspa.part"
	SubjectCommands    = "medspa.cmd"         // every outbound command
	SubjectSendSMS     = "medspa.cmd.sms"     // medspa.cmd.sms.<clinic>.<lead>
	SubjectPaymentCmd  = "medspa.cmd.payment" // medspa.cmd.payment.<clinic>.<lead>
	SubjectEvents      = "medspa.evt"         // medspa.evt.<clinic>.<lead>.<type>
	SubjectDead        = "medspa.dlq"         // medspa.dlq.<source>
	// SubjectLiveState is a core NATS request subject: the engine node that
	// has the conversation's actor in memory answers with its state.
	SubjectLiveState = "medspa.rpc.state" // medspa.rpc.state.<clinic>.<lead>

	// BucketNodes is the key-value bucket of engine node heartbeats;
	// BucketTickets the one of the staff event streams' single-use tickets.
	BucketNodes   = "medspa-nodes"
	BucketTickets = "medspa-stream-tickets"

	// HeaderOrigin carries the gateway's acceptance time (RFC 3339 nano) on
	// inbound messages, for end-to-end latency measurement.
	HeaderOrigin = "Medspa-Origin"
)

// InboundSubject is where the gateway publishes an envelope.
func InboundSubject(clinicID, leadID string, k Kind) string {
	return "medspa.in." + clinicID + "." + leadID + "." + string(k)
}

// PartitionTransform is the destination of the stream's subject transform.
func PartitionTransform(partitions int) string {
	return fmt.Sprintf("%s.{{partition(%d,1)}}.{{wildcard(1)}}.{{wildcard(2)}}.{{wildcard(3)}}", SubjectPartitioned, partitions)
}

// PartitionFilter is the filter subject of partition p's consumer.
func PartitionFilter(p int) string { return fmt.Sprintf("%s.%d.>", SubjectPartitioned, p) }

// PartitionConsumer is the durable name of partition p's consumer.
func PartitionConsumer(p int) string { return fmt.Sprintf("engine-p%d", p) }

// LeadSubject is the stored subject of one lead's inbound work of any kind,
// in partition p: used to look up a lead's pending messages.
func LeadSubject(p int, clinicID, leadID string) string {
	return fmt.Sprintf("%s.%d.%s.%s.*", SubjectPartitioned, p, clinicID, leadID)
}

// ParsePartitioned splits a stored inbound subject into its parts.
func ParsePartitioned(subject string) (partition, clinicID, leadID string, kind Kind, ok bool) {
	t := strings.Split(subject, ".")
	if len(t) != 6 || t[0]+"."+t[1] != SubjectPartitioned {
		return "", "", "", "", false
	}
	return t[2], t[3], t[4], Kind(t[5]), true
}

// SendSubject is where send commands for a lead are published.
func SendSubject(clinicID, leadID string) string {
	return SubjectSendSMS + "." + clinicID + "." + leadID
}

// EventSubject is where a domain event is published.
func EventSubject(clinicID, leadID, typ string) string {
	return SubjectEvents + "." + clinicID + "." + leadID + "." + typ
}

// LiveStateSubject is the request subject of one conversation's live state.
func LiveStateSubject(clinicID, leadID string) string {
	return SubjectLiveState + "." + clinicID + "." + leadID
}

// LiveState is the answer to a live state request.
type LiveState struct {
	V       int             `json:"v"`
	Version int64           `json:"version"`
	State   json.RawMessage `json:"state"`
}

// DeadSubject is where a message that keeps failing goes, by source
// ("inbound", "sms", "payment").
func DeadSubject(source string) string { return SubjectDead + "." + source }
