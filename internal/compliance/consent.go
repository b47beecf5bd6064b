package compliance

import "time"

// Consent event kinds.
const (
	ConsentGranted   = "granted"
	ConsentRevoked   = "revoked"
	ConsentRegranted = "regranted"
)

// Consent event sources.
const (
	SourceWebForm     = "web_form"
	SourceInboundText = "inbound_text"
	SourceStaff       = "staff"
	SourceCarrier     = "carrier"
)

// ConsentEvent is one change of a number's consent, kept as evidence.
type ConsentEvent struct {
	At     time.Time
	Kind   string // granted, revoked, regranted
	Source string // web_form, inbound_text, staff, carrier
	Text   string // the words the person used, when they wrote any
}

// Consent is the ledger of a number's consent events, in the order applied.
// It is a value: Apply returns a new ledger and leaves the old one as it was.
type Consent struct {
	Events []ConsentEvent
}

// Apply returns the ledger with ev added.
func (c Consent) Apply(ev ConsentEvent) Consent {
	events := make([]ConsentEvent, len(c.Events), len(c.Events)+1)
	copy(events, c.Events)
	return Consent{Events: append(events, ev)}
}

// State is the kind of the latest event (by time; among equal times, the
// one applied last): ConsentGranted, ConsentRevoked or ConsentRegranted,
// "" when there is none. Events of unknown kinds are ignored. It is the
// one reading of a ledger: the sender's check before a send and the staff
// view both use it.
func (c Consent) State() string {
	var last *ConsentEvent
	for i := range c.Events {
		ev := &c.Events[i]
		switch ev.Kind {
		case ConsentGranted, ConsentRevoked, ConsentRegranted:
		default:
			continue
		}
		if last == nil || !ev.At.Before(last.At) {
			last = ev
		}
	}
	if last == nil {
		return ""
	}
	return last.Kind
}

// OptedOut reports whether the ledger's State is a revocation.
func (c Consent) OptedOut() bool { return c.State() == ConsentRevoked }
