package persistence

import "github.com/medspa/engine/internal/compliance"

// Ledger is a number's stored consent events as the core reads them
// (compliance.Consent.State, OptedOut).
func Ledger(events []ConsentEvent) compliance.Consent {
	out := compliance.Consent{Events: make([]compliance.ConsentEvent, len(events))}
	for i, ev := range events {
		out.Events[i] = compliance.ConsentEvent{At: ev.At, Kind: ev.Kind, Source: ev.Source, Text: ev.Text}
	}
	return out
}
