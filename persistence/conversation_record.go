package persistence

// ConversationRecord is the staff's read model of one conversation: all
// the store holds of it, read by one call (Store.ReadConversation) as of
// one moment.
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
