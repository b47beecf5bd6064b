// Package messages is the wire contract of the engine: the envelope that
// carries every inbound message, the commands and events the engine emits,
// the NATS subject names and streams, and their JSON encoding and version.
//
// It holds data and names only. Every other package speaks to NATS through
// these types, so a change here is a change of the protocol: bump Version
// when a field changes meaning.
package messages
