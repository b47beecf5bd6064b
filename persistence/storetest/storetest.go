// Package storetest is the contract suite of persistence.Store: every
// implementation runs Run against a fresh, empty store.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

// NewStore returns a fresh, empty, migrated store for one test. It should
// register t.Cleanup to close it; Close must be safe to call twice.
type NewStore func(t *testing.T) persistence.Store

// Run runs the contract suite.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, persistence.Store)
	}{
		{"ApplyCreatesSnapshot", testApplyCreatesSnapshot},
		{"ApplyDefaultsTimes", testApplyDefaultsTimes},
		{"LoadSnapshotNotFound", testLoadSnapshotNotFound},
		{"SendCheckReadsLeadSendAndConsent", testSendCheck},
		{"SendCheckConsentIsTheLedgersState", testSendCheckConsent},
		{"ApplyUpdatesWithVersionFence", testApplyUpdates},
		{"DuplicateWritesNothing", testDuplicateWritesNothing},
		{"VersionConflictWritesNothing", testVersionConflictWritesNothing},
		{"VersionConflictOnMissingConversation", testConflictOnMissing},
		{"BatchIsolatesFailures", testBatchIsolatesFailures},
		{"BatchSequencesOneConversation", testBatchSequence},
		{"EmptyBatch", testEmptyBatch},
		{"EmptyDedupKeyIsNotDeduplicated", testEmptyDedupKey},
		{"ConcurrentUpdatersOneWins", testConcurrentUpdaters},
		{"ConcurrentCreatorsOneWins", testConcurrentCreators},
		{"ConcurrentDuplicatesOneWins", testConcurrentDuplicates},
		{"TranscriptOrderAndLimit", testTranscriptOrderAndLimit},
		{"TranscriptIgnoresDuplicateIDs", testTranscriptDuplicateIDs},
		{"ListWalksEveryRowOnce", testListWalk},
		{"ListUpdatedMovesToTop", testListUpdatedMovesToTop},
		{"ListPhoneFilter", testListPhoneFilter},
		{"ListFilters", testListFilters},
		{"ListHasBookingFollowsWrites", testListHasBookingFollowsWrites},
		{"ListHasBookingBulkLoaded", testListHasBookingBulkLoaded},
		{"ListLimitClamp", testListLimitClamp},
		{"ListBadCursor", testListBadCursor},
		{"ListEmpty", testListEmpty},
		{"OutboxLifecycle", testOutboxLifecycle},
		{"OutboxDuplicateIDIgnored", testOutboxDuplicateID},
		{"Sends", testSends},
		{"RecordSendsBatch", testRecordSends},
		{"SendsInFlight", testSendsInFlight},
		{"TimersStoredAndDue", testTimersStoredAndDue},
		{"TimersMoveAndCancel", testTimersMoveAndCancel},
		{"TimersSetAndCancelInOneCommit", testTimersSetAndCancelInOneCommit},
		{"DeleteTimersKeepsMoved", testDeleteTimersKeepsMoved},
		{"LeadTimersEmpty", testLeadTimersEmpty},
		{"FailedCommitWritesNoExtras", testFailedCommitWritesNoExtras},
		{"ConsentLedger", testConsentLedger},
		{"ReadConversation", testReadConversation},
		{"ReadConversationOneMoment", testReadConversationOneMoment},
		{"ConsentOrderIsTime", testConsentOrderIsTime},
		{"DeliveryReceipts", testDeliveryReceipts},
		{"FunnelStages", testFunnelStages},
		{"ClinicSnapshotFence", testClinicSnapshotFence},
		{"ClinicConcurrentSaversOneWins", testClinicConcurrentSavers},
		{"ClinicSettingsSeed", testClinicSettingsSeed},
		{"ClinicSettingsSave", testClinicSettingsSave},
		{"ClinicSettingsList", testClinicSettingsList},
		{"ClinicSettingsConcurrentSaversOneWins", testClinicSettingsConcurrentSavers},
		{"ClinicSettingsConcurrentSeedersStoreOnce", testClinicSettingsConcurrentSeeders},
		{"AdminRecords", testAdminRecords},
		{"RateLimits", testRateLimits},
		{"RateLimitsWindows", testRateLimitsWindows},
		{"RateLimitsConcurrent", testRateLimitsConcurrent},
		{"RateLimitsRefuseBadChecks", testRateLimitsRefuseBadChecks},
		{"Users", testUsers},
		{"UserInvites", testUserInvites},
		{"UserInviteConcurrent", testUserInviteConcurrent},
		{"UserSessions", testUserSessions},
		{"PeekRate", testPeekRate},
		{"TextCleaned", testTextCleaned},
		{"RejectedWritesNothing", testRejected},
		{"ConversationsByPhase", testConversationsByPhase},
		{"PingAndClose", testPingAndClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// t0 is the suite's reference time; it has sub-microsecond digits to check
// that stores keep microseconds.
var t0 = time.Date(2025, 6, 1, 9, 30, 0, 123456789, time.UTC)

func us(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// commit builds a commit for (clinic, lead) expecting version, with one
// inbound transcript entry and one outbox row both named after key.
func commit(clinic, lead string, version int64, key string, at time.Time) persistence.Commit {
	return persistence.Commit{
		DedupKey: key,
		Snapshot: persistence.Snapshot{
			ClinicID: clinic, LeadID: lead, Phone: "+15550000000", Name: "Lead " + lead,
			Phase: "phase-" + key, Version: version, State: []byte(`{"key":"` + key + `"}`),
			UpdatedAt: at,
		},
		Transcript: []persistence.TranscriptEntry{{ID: "tr-" + key, Direction: "in", Author: "lead", Text: "text " + key, At: at}},
		Outbox:     []persistence.OutboxRow{{ID: "ob-" + key, Subject: "subj." + key, Payload: []byte("payload " + key), Created: at}},
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

func apply(t *testing.T, s persistence.Store, cs ...persistence.Commit) []error {
	t.Helper()
	res, err := s.Apply(ctx(t), cs)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if len(res) != len(cs) {
		t.Fatalf("Apply returned %d results for %d commits", len(res), len(cs))
	}
	return res
}

func mustApply(t *testing.T, s persistence.Store, cs ...persistence.Commit) {
	t.Helper()
	for i, r := range apply(t, s, cs...) {
		if r != nil {
			t.Fatalf("Apply commit %d (%s): %v", i, cs[i].DedupKey, r)
		}
	}
}

func wantResults(t *testing.T, got []error, want ...error) {
	t.Helper()
	for i := range want {
		if !errors.Is(got[i], want[i]) || (want[i] == nil) != (got[i] == nil) {
			t.Errorf("result %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func load(t *testing.T, s persistence.Store, clinic, lead string) persistence.Snapshot {
	t.Helper()
	snap, err := s.LoadSnapshot(ctx(t), clinic, lead)
	if err != nil {
		t.Fatalf("LoadSnapshot(%s, %s): %v", clinic, lead, err)
	}
	return snap
}

func transcriptIDs(t *testing.T, s persistence.Store, clinic, lead string, limit int) []string {
	t.Helper()
	es, err := s.Transcript(ctx(t), clinic, lead, limit)
	if err != nil {
		t.Fatalf("Transcript: %v", err)
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids
}

func outboxIDs(t *testing.T, s persistence.Store) []string {
	t.Helper()
	rows, err := s.PendingOutbox(ctx(t), t0.Add(1000*time.Hour), 1000)
	if err != nil {
		t.Fatalf("PendingOutbox: %v", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

func equalStrings(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) && len(a) == len(b) }

func wantStrings(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !equalStrings(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// sameSnapshot compares every field, times at microsecond precision.
func sameSnapshot(t *testing.T, got, want persistence.Snapshot) {
	t.Helper()
	if got.ClinicID != want.ClinicID || got.LeadID != want.LeadID || got.Phone != want.Phone ||
		got.Name != want.Name || got.Phase != want.Phase || got.HasBooking != want.HasBooking || got.Version != want.Version ||
		!bytes.Equal(got.State, want.State) || !got.CreatedAt.Equal(us(want.CreatedAt)) ||
		!got.UpdatedAt.Equal(us(want.UpdatedAt)) {
		t.Errorf("snapshot\n got %+v (state %s)\nwant %+v (state %s)", got, got.State, want, want.State)
	}
}
