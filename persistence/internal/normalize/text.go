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
	c.CancelTimers = textList(c.CancelTimers)
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
	q.Phases = textList(q.Phases)
	return q
}

// textList cleans every string of ss (Text) into a new slice; an empty ss
// is returned as it is.
func textList(ss []string) []string {
	if len(ss) == 0 {
		return ss
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Text(s)
	}
	return out
}

// Check refuses a commit (persistence.ErrRejected) holding a time outside
// the years 1 to 9999: Postgres refuses some of them (SQLSTATE 22008) and
// the embedded store's microsecond integers cannot hold others, so both
// refuse them all, before writing anything. It expects a normalized commit.
func Check(c persistence.Commit) error {
	if !inRange(c.Snapshot.CreatedAt) || !inRange(c.Snapshot.UpdatedAt) {
		return outOfRange("snapshot time")
	}
	if _, bad := outside(c.Transcript, func(e persistence.TranscriptEntry) time.Time { return e.At }); bad {
		return outOfRange("transcript time")
	}
	if _, bad := outside(c.Outbox, func(o persistence.OutboxRow) time.Time { return o.Created }); bad {
		return outOfRange("outbox time")
	}
	if tm, bad := outside(c.Timers, func(tm persistence.Timer) time.Time { return tm.DueAt }); bad {
		return outOfRange("due time of timer " + tm.ID)
	}
	if _, bad := outside(c.Consent, func(e persistence.ConsentEvent) time.Time { return e.At }); bad {
		return outOfRange("consent time")
	}
	if _, bad := outside(c.Deliveries, func(d persistence.Delivery) time.Time { return d.At }); bad {
		return outOfRange("receipt time")
	}
	if _, bad := outside(c.Funnel, func(f persistence.FunnelStage) time.Time { return f.At }); bad {
		return outOfRange("funnel time")
	}
	return nil
}

// outside returns the first item whose time is not in range.
func outside[T any](items []T, at func(T) time.Time) (T, bool) {
	for _, it := range items {
		if !inRange(at(it)) {
			return it, true
		}
	}
	var none T
	return none, false
}

func inRange(t time.Time) bool { y := t.Year(); return y >= 1 && y <= 9999 }

func outOfRange(what string) error {
	return fmt.Errorf("%w: %s outside the years 1 to 9999", persistence.ErrRejected, what)
}
