// Package normalize prepares values for both stores the same way: times
// default to now when zero and are cut to microseconds in UTC, the precision
// both databases keep; text loses what Postgres text refuses (Text).
package normalize

import (
	"fmt"
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

// Commits normalizes a batch (Commit) and checks each commit (Check),
// refusing the batch at the first commit that fails.
func Commits(commits []persistence.Commit, now time.Time) ([]persistence.Commit, error) {
	cs := make([]persistence.Commit, len(commits))
	for i, c := range commits {
		cs[i] = Commit(c, now)
		if err := Check(cs[i]); err != nil {
			return nil, fmt.Errorf("apply commit %d: %w", i, err)
		}
	}
	return cs, nil
}

// Bytes is b, or an empty slice for nil: the stores' byte columns are NOT
// NULL.
func Bytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// Commit fills a commit's zero times: UpdatedAt defaults to now, CreatedAt
// to UpdatedAt, transcript, outbox, timer, consent and delivery times to
// UpdatedAt. Timers and consent events without a clinic (or lead, or phone)
// take the snapshot's. It copies the slices it changes, and drops what one
// statement cannot hold twice: a timer listed again (the last wins), a
// cancellation of a timer the commit also sets (setting wins: cancel then
// set is a reschedule), a receipt without a carrier id, and all but the
// last receipt of one carrier id. Text is cleaned first (see Text).
func Commit(c persistence.Commit, now time.Time) persistence.Commit {
	c = texts(c)
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
	c.Timers = timers(c.Timers, s)
	c.CancelTimers = cancels(c.CancelTimers, c.Timers, s)
	c.Consent = consent(c.Consent, s)
	c.Deliveries = deliveries(c.Deliveries, s.UpdatedAt)
	c.Funnel = funnel(c.Funnel, s)
	return c
}

// funnel fills the clinic, lead and time of funnel rows from the snapshot
// and drops all but the first row of a key.
func funnel(in []persistence.FunnelStage, s *persistence.Snapshot) []persistence.FunnelStage {
	if len(in) == 0 {
		return nil
	}
	type key struct{ clinic, lead, stage, ref string }
	seen := make(map[key]bool, len(in))
	out := make([]persistence.FunnelStage, 0, len(in))
	for _, f := range in {
		orDefault(&f.ClinicID, s.ClinicID)
		orDefault(&f.LeadID, s.LeadID)
		f.At = Time(f.At, s.UpdatedAt)
		k := key{f.ClinicID, f.LeadID, f.Stage, f.Ref}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}

// Timer fills a timer's zero due time with def and its nil payload.
func Timer(tm persistence.Timer, def time.Time) persistence.Timer {
	tm.DueAt = Time(tm.DueAt, def)
	if tm.Payload == nil {
		tm.Payload = []byte{}
	}
	return tm
}

type timerKey struct{ clinic, lead, id string }

func timers(in []persistence.Timer, s *persistence.Snapshot) []persistence.Timer {
	out := make([]persistence.Timer, len(in))
	for i, tm := range in {
		orDefault(&tm.ClinicID, s.ClinicID)
		orDefault(&tm.LeadID, s.LeadID)
		out[i] = Timer(tm, s.UpdatedAt)
	}
	return lastWins(out, func(tm persistence.Timer) timerKey { return timerKey{tm.ClinicID, tm.LeadID, tm.ID} })
}

func cancels(ids []string, set []persistence.Timer, s *persistence.Snapshot) []string {
	setHere := make(map[string]bool, len(set))
	for _, tm := range set {
		if tm.ClinicID == s.ClinicID && tm.LeadID == s.LeadID {
			setHere[tm.ID] = true
		}
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !setHere[id] {
			setHere[id] = true // also drops repeats
			out = append(out, id)
		}
	}
	return out
}

func consent(in []persistence.ConsentEvent, s *persistence.Snapshot) []persistence.ConsentEvent {
	out := make([]persistence.ConsentEvent, len(in))
	for i, e := range in {
		orDefault(&e.ClinicID, s.ClinicID)
		orDefault(&e.Phone, s.Phone)
		e.At = Time(e.At, s.UpdatedAt)
		out[i] = e
	}
	return out
}

func deliveries(in []persistence.Delivery, def time.Time) []persistence.Delivery {
	out := make([]persistence.Delivery, 0, len(in))
	for _, d := range in {
		if d.ProviderID != "" {
			d.At = Time(d.At, def)
			out = append(out, d)
		}
	}
	return lastWins(out, func(d persistence.Delivery) string { return d.ProviderID })
}

// lastWins keeps one item of each key, in the place of the first and with
// the value of the last. It reuses the array of items.
func lastWins[T any, K comparable](items []T, key func(T) K) []T {
	at := make(map[K]int, len(items))
	out := items[:0]
	for _, it := range items {
		k := key(it)
		if i, ok := at[k]; ok {
			out[i] = it
			continue
		}
		at[k] = len(out)
		out = append(out, it)
	}
	return out
}

// orDefault sets an empty *v to def.
func orDefault(v *string, def string) {
	if *v == "" {
		*v = def
	}
}
