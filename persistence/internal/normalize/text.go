package normalize

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/medspa/engine/persistence"
)

// Text returns s as both stores keep it: without NUL characters and with
// every byte sequence that is not UTF-8 replaced by U+FFFD, the two things
// a Postgres text column refuses (SQLSTATE 22021). The embedded store would
// keep them; it stores the same cleaned text so the two behave alike. The
// gateway cleans text at the edge; this is the last line of defence, so
// that one odd character can never make a conversation's writes fail.
func Text(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// texts cleans every text field of a commit (see Text). It copies the
// slices it changes, and runs before anything that compares ids.
func texts(c persistence.Commit) persistence.Commit {
	c.Transcript, c.Outbox, c.Timers = slices.Clone(c.Transcript), slices.Clone(c.Outbox), slices.Clone(c.Timers)
	c.Consent, c.Deliveries, c.Funnel = slices.Clone(c.Consent), slices.Clone(c.Deliveries), slices.Clone(c.Funnel)
	c.DedupKey = Text(c.DedupKey)
	s := &c.Snapshot
	s.ClinicID, s.LeadID, s.Phone, s.Name, s.Phase = Text(s.ClinicID), Text(s.LeadID), Text(s.Phone), Text(s.Name), Text(s.Phase)
	for i := range c.Transcript {
		e := &c.Transcript[i]
		e.ID, e.Direction, e.Author, e.Text = Text(e.ID), Text(e.Direction), Text(e.Author), Text(e.Text)
	}
	for i := range c.Outbox {
		o := &c.Outbox[i]
		o.ID, o.Subject = Text(o.ID), Text(o.Subject)
	}
	for i := range c.Timers {
		tm := &c.Timers[i]
		tm.ID, tm.ClinicID, tm.LeadID, tm.Kind = Text(tm.ID), Text(tm.ClinicID), Text(tm.LeadID), Text(tm.Kind)
	}
	if len(c.CancelTimers) > 0 {
		ids := make([]string, len(c.CancelTimers))
		for i, id := range c.CancelTimers {
			ids[i] = Text(id)
		}
		c.CancelTimers = ids
	}
	for i := range c.Consent {
		e := &c.Consent[i]
		e.ClinicID, e.Phone, e.Kind, e.Source, e.Text = Text(e.ClinicID), Text(e.Phone), Text(e.Kind), Text(e.Source), Text(e.Text)
	}
	for i := range c.Deliveries {
		d := &c.Deliveries[i]
		d.ProviderID, d.Status, d.ErrorCode = Text(d.ProviderID), Text(d.Status), Text(d.ErrorCode)
	}
	for i := range c.Funnel {
		f := &c.Funnel[i]
		f.ClinicID, f.LeadID, f.Stage, f.Ref = Text(f.ClinicID), Text(f.LeadID), Text(f.Stage), Text(f.Ref)
		f.Source, f.UTMSource, f.UTMCampaign = Text(f.Source), Text(f.UTMSource), Text(f.UTMCampaign)
	}
	return c
}

// Query cleans the text of a conversation query the way written text is
// cleaned, so a filter with a NUL character finds what was stored instead
// of failing.
func Query(q persistence.ConversationQuery) persistence.ConversationQuery {
	q.ClinicID, q.Phone, q.Text, q.Cursor = Text(q.ClinicID), Text(q.Phone), Text(q.Text), Text(q.Cursor)
	if len(q.Phases) > 0 {
		ps := make([]string, len(q.Phases))
		for i, p := range q.Phases {
			ps[i] = Text(p)
		}
		q.Phases = ps
	}
	return q
}

// Check refuses a commit (persistence.ErrRejected) holding a time outside
// the years 1 to 9999: Postgres refuses some of them (SQLSTATE 22008) and
// the embedded store's microsecond integers cannot hold others, so both
// refuse them all, before writing anything. It expects a normalized commit.
func Check(c persistence.Commit) error {
	if !inRange(c.Snapshot.CreatedAt) || !inRange(c.Snapshot.UpdatedAt) {
		return outOfRange("snapshot time")
	}
	for _, e := range c.Transcript {
		if !inRange(e.At) {
			return outOfRange("transcript time")
		}
	}
	for _, o := range c.Outbox {
		if !inRange(o.Created) {
			return outOfRange("outbox time")
		}
	}
	for _, tm := range c.Timers {
		if !inRange(tm.DueAt) {
			return outOfRange("due time of timer " + tm.ID)
		}
	}
	for _, e := range c.Consent {
		if !inRange(e.At) {
			return outOfRange("consent time")
		}
	}
	for _, d := range c.Deliveries {
		if !inRange(d.At) {
			return outOfRange("receipt time")
		}
	}
	for _, f := range c.Funnel {
		if !inRange(f.At) {
			return outOfRange("funnel time")
		}
	}
	return nil
}

func inRange(t time.Time) bool { y := t.Year(); return y >= 1 && y <= 9999 }

func outOfRange(what string) error {
	return fmt.Errorf("%w: %s outside the years 1 to 9999", persistence.ErrRejected, what)
}
