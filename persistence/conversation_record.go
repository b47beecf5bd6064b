package persistence

import (
	"context"
	"errors"
	"fmt"
)

// ConversationRecord is the staff's read model of one conversation: all
// the store holds of it, read by one call (Store.ReadConversation).
type ConversationRecord struct {
	Snapshot Snapshot
	// Transcript is the conversation's messages in order with their
	// delivery status, the newest transcriptLimit.
	Transcript []TranscriptEntry
	// Timers are its pending timers, earliest first.
	Timers []Timer
	// Consent is the consent ledger of its number, oldest first (none
	// when the conversation has no number).
	Consent []ConsentEvent
	// Clinic is the clinic's last saved calendar (the clinic actor's
	// snapshot); its zero value when none is saved.
	Clinic ClinicSnapshot
}

// recordReader is what ReadConversation reads.
type recordReader interface {
	LoadSnapshot(ctx context.Context, clinicID, leadID string) (Snapshot, error)
	Transcript(ctx context.Context, clinicID, leadID string, limit int) ([]TranscriptEntry, error)
	LeadTimers(ctx context.Context, clinicID, leadID string) ([]Timer, error)
	ConsentLedger(ctx context.Context, clinicID, phone string) ([]ConsentEvent, error)
	LoadClinic(ctx context.Context, clinicID string) (ClinicSnapshot, error)
}

// ReadConversation is Store.ReadConversation over a store's own reads,
// which both stores share: ErrNotFound when the conversation has no
// snapshot.
func ReadConversation(ctx context.Context, r recordReader, clinicID, leadID string, transcriptLimit int) (ConversationRecord, error) {
	var out ConversationRecord
	var err error
	if out.Snapshot, err = r.LoadSnapshot(ctx, clinicID, leadID); err != nil {
		return ConversationRecord{}, err
	}
	if out.Transcript, err = r.Transcript(ctx, clinicID, leadID, transcriptLimit); err != nil {
		return ConversationRecord{}, fmt.Errorf("load transcript: %w", err)
	}
	if out.Timers, err = r.LeadTimers(ctx, clinicID, leadID); err != nil {
		return ConversationRecord{}, fmt.Errorf("load timers: %w", err)
	}
	if out.Snapshot.Phone != "" {
		if out.Consent, err = r.ConsentLedger(ctx, clinicID, out.Snapshot.Phone); err != nil {
			return ConversationRecord{}, fmt.Errorf("load consent ledger: %w", err)
		}
	}
	out.Clinic, err = r.LoadClinic(ctx, clinicID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return ConversationRecord{}, fmt.Errorf("load clinic calendar: %w", err)
	}
	return out, nil
}
