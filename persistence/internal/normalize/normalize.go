// Package normalize prepares values for both stores the same way: times
// default to now when zero and are cut to microseconds in UTC, the precision
// both databases keep.
package normalize

import (
	"time"

	"github.com/medspa/engine/persistence"
)

// Time returns t, or def when t is zero, cut to microseconds in UTC.
func Time(t, def time.Time) time.Time {
	if t.IsZero() {
		t = def
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Commit fills a commit's zero times: UpdatedAt defaults to now, CreatedAt
// to UpdatedAt, transcript times and outbox creation times to UpdatedAt.
// It copies the slices it changes.
func Commit(c persistence.Commit, now time.Time) persistence.Commit {
	s := &c.Snapshot
	s.UpdatedAt = Time(s.UpdatedAt, now)
	s.CreatedAt = Time(s.CreatedAt, s.UpdatedAt)
	if s.State == nil {
		s.State = []byte{}
	}
	tr := make([]persistence.TranscriptEntry, len(c.Transcript))
	for i, e := range c.Transcript {
		e.ClinicID, e.LeadID = s.ClinicID, s.LeadID
		e.At = Time(e.At, s.UpdatedAt)
		tr[i] = e
	}
	c.Transcript = tr
	ob := make([]persistence.OutboxRow, len(c.Outbox))
	for i, o := range c.Outbox {
		o.Created = Time(o.Created, s.UpdatedAt)
		if o.Payload == nil {
			o.Payload = []byte{}
		}
		ob[i] = o
	}
	c.Outbox = ob
	return c
}
