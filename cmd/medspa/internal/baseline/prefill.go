package baseline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// PrefillNumber is the number of prefilled conversation i: area code 630,
// which the storm's leads never use.
func PrefillNumber(i int) string { return fmt.Sprintf("+1630%07d", 2000000+i%8000000) }

// bulkBatch is the number of conversations Prefill hands to one BulkLoad:
// a larger load shares more index pages between its rows (on the embedded
// store, 200,000 conversations took half the time in loads of 20,000 as in
// loads of 5,000), and a batch of this size holds a few tens of MiB.
const bulkBatch = 20_000

// Prefill writes n idle conversations, spread round-robin over clinics.
// Each is the state the core leaves after a lead's "Hi", with its dedup key
// and transcript line. A store that is a persistence.BulkLoader takes them
// in loads of 20,000, and must hold none of them yet; any other store takes
// them through Store.Apply in transactions of batch commits (2,000 when
// batch <= 0), skipping those it holds. It returns how long the fill took.
func Prefill(ctx context.Context, store persistence.Store, clinics []clinic.Clinic, n, batch int, now time.Time) (time.Duration, error) {
	if len(clinics) == 0 {
		return 0, errors.New("prefill: no clinics")
	}
	if batch <= 0 {
		batch = 2000
	}
	write := func(commits []persistence.Commit) error { return applyNew(ctx, store, commits) }
	if bl, ok := store.(persistence.BulkLoader); ok {
		batch = bulkBatch
		write = func(commits []persistence.Commit) error { return bl.BulkLoad(ctx, commits) }
	}
	began := clock.Start()
	// One decided template per clinic; each conversation is the template
	// with its own number and lead id.
	templates := make([]conversation.State, len(clinics))
	for i := range clinics {
		c := &clinics[i]
		env := prefillEnvelope(c, PrefillNumber(0), 0, now)
		s, _, err := conversation.Decide(conversation.State{}, c, env, now)
		if err != nil {
			return 0, fmt.Errorf("prefill template: %w", err)
		}
		templates[i] = s
	}
	commits := make([]persistence.Commit, 0, batch)
	for i := 0; i < n; {
		commits = commits[:0]
		for ; i < n && len(commits) < batch; i++ {
			k := i % len(clinics)
			c := &clinics[k]
			phone := PrefillNumber(i)
			s := templates[k]
			s.Phone, s.LeadID = phone, messages.LeadID(c.ID, phone)
			state, err := json.Marshal(s)
			if err != nil {
				return 0, fmt.Errorf("prefill: encode state: %w", err)
			}
			id := fmt.Sprintf("prefill:%d", i)
			commits = append(commits, persistence.Commit{
				DedupKey: id,
				Snapshot: persistence.Snapshot{ClinicID: c.ID, LeadID: s.LeadID, Phone: phone, Phase: string(s.Phase), State: state, CreatedAt: now, UpdatedAt: now},
				Transcript: []persistence.TranscriptEntry{{ID: id, ClinicID: c.ID, LeadID: s.LeadID, Direction: conversation.DirIn,
					Author: "lead", Text: "Hi", At: now}},
			})
		}
		if err := write(commits); err != nil {
			return 0, fmt.Errorf("prefill: %w", err)
		}
	}
	return began.Elapsed(), nil
}

// applyNew applies commits that create conversations; a conversation stored
// already is not an error.
func applyNew(ctx context.Context, store persistence.Store, commits []persistence.Commit) error {
	res, err := store.Apply(ctx, commits)
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	for _, r := range res {
		if r != nil && !errors.Is(r, persistence.ErrDuplicate) {
			return r
		}
	}
	return nil
}

func prefillEnvelope(c *clinic.Clinic, phone string, i int, now time.Time) messages.Envelope {
	to := ""
	if len(c.PhoneNumbers) > 0 {
		to = c.PhoneNumbers[0]
	}
	return messages.Envelope{V: messages.Version, ID: fmt.Sprintf("prefill:%d", i), Kind: messages.KindSMS, ClinicID: c.ID,
		LeadID: messages.LeadID(c.ID, phone), Phone: phone, Received: now,
		SMS: &messages.InboundSMS{Carrier: c.CarrierFor(to), From: phone, To: to, Text: "Hi"}}
}
