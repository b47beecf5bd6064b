// Package persistence is the engine's durable state: conversation snapshots
// with a version fence, the dedup keys of applied messages, the transcript,
// the outbox, and the record of texts handed to a carrier.
//
// Store has two implementations with one behaviour, checked by one contract
// suite (persistence/storetest): Postgres through pgx (persistence/postgres)
// and an embedded SQLite database in DATA_DIR (persistence/sqlite). They
// share the statements whose SQL is the same in both
// (persistence/internal/sqlstore).
package persistence

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Implementations return them (possibly wrapped); callers
// check with errors.Is.
var (
	// ErrNotFound: no such row.
	ErrNotFound = errors.New("not found")
	// ErrDuplicate: the commit's dedup key was applied before; nothing was
	// written.
	ErrDuplicate = errors.New("duplicate message")
	// ErrVersionConflict: the snapshot's version is not the expected one;
	// someone else wrote it. Nothing was written; reload and decide again.
	ErrVersionConflict = errors.New("snapshot version conflict")
	// ErrBadCursor: a paging cursor that this store did not issue.
	ErrBadCursor = errors.New("bad cursor")
)

// Snapshot is a conversation's persisted state. State is the opaque JSON of
// the core's conversation state; the other fields are indexed copies for the
// staff API.
type Snapshot struct {
	ClinicID string
	LeadID   string // the conversation id
	Phone    string // E.164
	Name     string
	Phase    string
	// HasBooking: the conversation has at least one appointment with
	// status booked.
	HasBooking bool
	Version    int64 // 1 after the first write; 0 means "does not exist yet"
	State      []byte
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TranscriptEntry is one message of a conversation's transcript.
type TranscriptEntry struct {
	ID        string // unique; the envelope id for inbound, the command id for outbound
	ClinicID  string
	LeadID    string
	Direction string // "in" or "out"
	Author    string // "lead", "engine", or "staff:<user>"
	Text      string
	At        time.Time
	// Status is the delivery status of an outbound entry ("" until the
	// sender records it, then sent, delivered, failed ...), read from the
	// send record whose command id is the entry id. Ignored on write.
	Status string
}

// SendCheck is what the sender reads before it hands a text to a carrier
// (Store.SendCheck).
type SendCheck struct {
	// Send is the command's send record, when HasSend.
	Send    Send
	HasSend bool
	// LeadPhone is the number stored with the lead's conversation (its
	// snapshot's Phone), when HasLead.
	LeadPhone string
	HasLead   bool
	// Consent is the consent state of the recipient's number at the
	// clinic, as Ledger(ConsentLedger(...)).State() reads it:
	// compliance.ConsentGranted, ConsentRevoked, ConsentRegranted, or ""
	// when the number has no consent events.
	Consent string
}

// OutboxRow is a message to publish to NATS after commit.
type OutboxRow struct {
	ID      string // unique; the Nats-Msg-Id it is published with
	Subject string
	Payload []byte
	Created time.Time
}

// Commit is everything one applied message changes, written atomically.
type Commit struct {
	DedupKey string // the envelope id
	// Snapshot to write. Snapshot.Version is the version expected in the
	// store (0: must not exist); the stored version becomes Version+1.
	Snapshot   Snapshot
	Transcript []TranscriptEntry
	Outbox     []OutboxRow
	// Timers to create or move (upsert by ID) and to cancel (by ID).
	Timers       []Timer
	CancelTimers []string
	// Consent events to append to the ledger.
	Consent []ConsentEvent
	// Deliveries updates the delivery status of outbound messages.
	Deliveries []Delivery
	// Funnel are the funnel stages this commit reached (first row of a
	// key kept).
	Funnel []FunnelStage
}

// Timer is a durable timer: when it falls due, the engine delivers it to its
// conversation as an inbound message. Timers survive restarts; an in-memory
// timer is only an optimisation.
type Timer struct {
	ID       string // unique per conversation and purpose, e.g. "hold-expiry"
	ClinicID string
	LeadID   string
	Kind     string
	DueAt    time.Time
	Payload  []byte // opaque to the store
}

// ConsentEvent is one entry of the consent ledger of a clinic and number.
// The ledger is append-only and never purged.
type ConsentEvent struct {
	ClinicID string
	Phone    string // E.164
	At       time.Time
	Kind     string // granted, revoked, regranted
	Source   string // web_form, inbound_text, staff, carrier
	Text     string // the raw words: consent text, the STOP message, ...
}

// Delivery is a delivery receipt for an outbound message, matched by the
// carrier's message id.
type Delivery struct {
	ProviderID string
	// CommandID is the send command the receipt names (its status callback
	// URL carries it); it matches a send still in flight, whose carrier
	// message id is not on record yet, and records that id.
	CommandID string
	Status    string
	ErrorCode string
	At        time.Time
}

// ClinicSnapshot is a clinic actor's persisted state (its calendar).
type ClinicSnapshot struct {
	ClinicID  string
	Version   int64 // expected version on write (0: must not exist)
	State     []byte
	UpdatedAt time.Time
}

// ConversationQuery selects conversations of one clinic, newest first
// (UpdatedAt, then LeadID, descending). A conversation is listed when it
// passes every filter that is set.
type ConversationQuery struct {
	ClinicID string
	Phone    string // exact E.164 match when set
	// Phases: the phase is any of these; empty means any phase.
	Phases []string
	// UpdatedSince: updated at or after it, unless zero.
	UpdatedSince time.Time
	// Text, unless empty: the name contains Text, ignoring case; or Text
	// has three or more digits and the number contains them (the digits of
	// Text in order, its other characters ignored: "(312) 555" finds
	// +13125550123).
	Text string
	// HasBooking, when set: Snapshot.HasBooking is *HasBooking.
	HasBooking *bool
	Limit      int // 1..200
	// Cursor is the opaque value of a previous page's NextCursor.
	Cursor string
}

// ConversationPage is one page of conversations.
type ConversationPage struct {
	Items      []Snapshot
	NextCursor string // empty on the last page
}

// Send is the record of one send command handed to a carrier. Status is
// SendInFlight from just before the carrier call until its answer is
// recorded ("sent"), then updated by delivery receipts (Commit.Deliveries).
type Send struct {
	CommandID  string
	ClinicID   string
	LeadID     string
	Carrier    string
	ProviderID string // the carrier's message id
	Status     string
	ErrorCode  string
	SentAt     time.Time
}

// SendInFlight is the status of a send command whose carrier call began
// and whose answer is not on record: after a crash it is in doubt.
const SendInFlight = "in_flight"

// SendRefused is the status of a send command its carrier answered with a
// refusal: nothing was sent, and a replay may send it.
const SendRefused = "refused"

// Store is the engine's durable state. All methods are safe for concurrent
// use.
type Store interface {
	// Apply writes each commit atomically and independently, in one
	// database transaction for the whole batch (group commit). results[i] is
	// nil, ErrDuplicate or ErrVersionConflict for commits[i]; a failed item
	// writes nothing and does not affect the others. A non-nil err means the
	// transaction failed and nothing was written.
	Apply(ctx context.Context, commits []Commit) (results []error, err error)

	// LoadSnapshot returns a conversation's snapshot or ErrNotFound.
	LoadSnapshot(ctx context.Context, clinicID, leadID string) (Snapshot, error)
	// SendCheck reads, in one statement, what the sender checks before it
	// hands command commandID of the lead leadID to a carrier: the
	// command's send record, the number stored with the conversation and
	// the consent state of phone at the clinic. It never reads the
	// snapshot's state.
	SendCheck(ctx context.Context, commandID, clinicID, leadID, phone string) (SendCheck, error)
	// ReadConversation returns the staff's read model of a conversation:
	// its snapshot, the newest transcriptLimit transcript lines with
	// delivery status, its timers, its number's consent ledger and the
	// clinic's calendar; ErrNotFound when it has no snapshot.
	ReadConversation(ctx context.Context, clinicID, leadID string, transcriptLimit int) (ConversationRecord, error)
	// ListConversations returns a page of a clinic's conversations.
	ListConversations(ctx context.Context, q ConversationQuery) (ConversationPage, error)
	// Transcript returns a conversation's messages in order, at most limit
	// (newest kept when cut).
	Transcript(ctx context.Context, clinicID, leadID string, limit int) ([]TranscriptEntry, error)
	// ConversationsByPhase counts the stored conversations of every clinic
	// by phase (the Phase of their snapshots), ordered by clinic and phase;
	// a phase without conversations is not listed.
	ConversationsByPhase(ctx context.Context) ([]PhaseCount, error)

	// PendingOutbox returns up to limit unpublished rows older than
	// olderThan, oldest first.
	PendingOutbox(ctx context.Context, olderThan time.Time, limit int) ([]OutboxRow, error)
	// MarkPublished deletes published outbox rows. Unknown ids are ignored.
	MarkPublished(ctx context.Context, ids []string) error
	// OutboxBacklog returns the number of unpublished rows and the age of
	// the oldest.
	OutboxBacklog(ctx context.Context, now time.Time) (n int, oldest time.Duration, err error)

	// RecordSend stores that a command was handed to a carrier. A second
	// record for the same command id returns ErrDuplicate.
	RecordSend(ctx context.Context, s Send) error
	// RecordSends stores many send records in one transaction. A record
	// still SendInFlight or SendRefused takes the new one; others already
	// present are left as they are (not an error).
	RecordSends(ctx context.Context, sends []Send) error
	// LookupSend returns the send record of a command or ErrNotFound.
	LookupSend(ctx context.Context, commandID string) (Send, error)

	// DueTimers returns up to limit timers due at or before t, earliest
	// first.
	DueTimers(ctx context.Context, t time.Time, limit int) ([]Timer, error)
	// DeleteTimers deletes fired timers, each only if it is still due at the
	// same time (a timer moved meanwhile is kept).
	DeleteTimers(ctx context.Context, fired []Timer) error
	// LeadTimers returns a conversation's pending timers, earliest first.
	LeadTimers(ctx context.Context, clinicID, leadID string) ([]Timer, error)

	// FunnelStages returns every funnel row of the clinic's conversations
	// whose created stage is at or after from and before to, ordered by
	// lead and time. Conversations created before funnel tracking have no
	// created row and are never returned.
	FunnelStages(ctx context.Context, clinicID string, from, to time.Time) ([]FunnelStage, error)

	// ConsentLedger returns the consent events of a clinic's number, oldest
	// first.
	ConsentLedger(ctx context.Context, clinicID, phone string) ([]ConsentEvent, error)

	// SaveClinic writes a clinic snapshot with a version fence
	// (ErrVersionConflict when the stored version is not s.Version).
	SaveClinic(ctx context.Context, s ClinicSnapshot) error
	// LoadClinic returns a clinic snapshot or ErrNotFound.
	LoadClinic(ctx context.Context, clinicID string) (ClinicSnapshot, error)

	// SeedClinicSettings stores each clinic's settings as version 1 unless
	// settings for that clinic are stored already (those are left as they
	// are). It returns how many were stored.
	SeedClinicSettings(ctx context.Context, seeds []ClinicSettings) (int, error)
	// SaveClinicSettings replaces a clinic's settings if the stored version
	// is s.Version, which becomes s.Version+1: ErrNotFound when the clinic
	// has no stored settings, ErrVersionConflict when the version is not
	// the stored one.
	SaveClinicSettings(ctx context.Context, s ClinicSettings) error
	// LoadClinicSettings returns one clinic's settings or ErrNotFound.
	LoadClinicSettings(ctx context.Context, clinicID string) (ClinicSettings, error)
	// ListClinicSettings returns every clinic's settings, ordered by id.
	ListClinicSettings(ctx context.Context) ([]ClinicSettings, error)

	// SaveAdminRecord stores a new admin record. A second record with the
	// same id, or with the same kind and non-empty external id, returns
	// ErrDuplicate.
	SaveAdminRecord(ctx context.Context, r AdminRecord) error
	// UpdateAdminRecordStatus sets the status and detail of the record of
	// kind with externalID, as of at (zero: now). An update older than the
	// record's last one is ignored. ErrNotFound when there is no such record.
	UpdateAdminRecordStatus(ctx context.Context, kind, externalID, status, detail string, at time.Time) error
	// GetAdminRecord returns the record of kind with externalID or
	// ErrNotFound.
	GetAdminRecord(ctx context.Context, kind, externalID string) (AdminRecord, error)
	// ListAdminRecords returns up to limit (1..200) records, newest first;
	// an empty kind or clinicID matches every kind or clinic.
	ListAdminRecords(ctx context.Context, kind, clinicID string, limit int) ([]AdminRecord, error)

	// TakeRate counts one hit at time at against every check, all or
	// nothing, atomically for every process sharing the store: when each
	// check's current window has fewer than Max hits, one is counted in
	// each and the result is OK; otherwise nothing is counted and the
	// result names the first full check and when its window ends. A window
	// begun by a process whose clock runs ahead counts for the others too
	// until it ends. Counts of windows that have ended are deleted in time.
	// Checks must pass ValidateRateChecks.
	TakeRate(ctx context.Context, at time.Time, checks []RateCheck) (RateResult, error)

	// Ping checks the database is reachable.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// ClinicSettings is a clinic's configuration as staff edit it: the JSON of
// a clinic.Clinic, opaque to the store, with a version that every update
// moves by one.
type ClinicSettings struct {
	ClinicID  string
	Version   int64 // stored: the current version; on save: the expected one
	Settings  []byte
	UpdatedAt time.Time
	UpdatedBy string // the staff user, or "seed" for the clinics file
}

// BulkLoader is implemented by stores that can load many new conversations
// faster than Apply, for filling a store in load tests. Each commit must
// create its conversation (Snapshot.Version 0) with a dedup key not seen
// before; timers, consent, outbox rows and deliveries are not written. The
// whole load is one transaction.
type BulkLoader interface {
	BulkLoad(ctx context.Context, commits []Commit) error
}

// Kinds of admin records.
const (
	AdminKindBrand       = "brand"
	AdminKindCampaign    = "campaign"
	AdminKindHostedOrder = "hosted_order"
	AdminKindMessage     = "message"
)

// AdminRecord is what an admin action asked of a provider (or of the
// engine) and what came back, with the status updates that followed.
type AdminRecord struct {
	ID         string // unique, ours
	Kind       string // AdminKind...
	ClinicID   string
	ExternalID string // the provider's id (Telnyx brand, campaign or order id; our action id for messages)
	Status     string
	Detail     string // what the last status update said, if anything
	Request    []byte // JSON of the request
	Response   []byte // JSON of the provider's answer
	CreatedAt  time.Time
	UpdatedAt  time.Time
}
