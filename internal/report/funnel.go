// Package report computes the clinic owner's reports from the funnel
// stages the engine records with every commit (persistence.FunnelStage).
// It does no I/O: the caller reads the rows and writes the answer.
package report

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/medspa/engine/persistence"
)

// Stages is the order the funnel is shown in.
var Stages = []string{
	persistence.StageCreated, persistence.StageFirstReply, persistence.StageEngaged, persistence.StageOffered,
	persistence.StageHeld, persistence.StageDepositPaid, persistence.StageBooked, persistence.StageCompleted,
	persistence.StageNoShow, persistence.StageCancelled, persistence.StageOptedOut, persistence.StageDepositRefunded,
	persistence.StageHandedOff, persistence.StageStaffAnswered,
}

// Period is a range of whole days in a clinic's zone, both ends included.
type Period struct {
	From, To time.Time // midnights in the clinic's zone
}

// Start is the first instant the period covers.
func (p Period) Start() time.Time { return p.From }

// End is the midnight after the last day: the period is [Start, End).
func (p Period) End() time.Time { return p.To.AddDate(0, 0, 1) }

// Source is the leads of one source and campaign.
type Source struct {
	Source      string `json:"source"`
	UTMSource   string `json:"utm_source,omitempty"`
	UTMCampaign string `json:"utm_campaign,omitempty"`
	Leads       int    `json:"leads"`
	Booked      int    `json:"booked"`
}

// Durations are percentiles of durations in milliseconds (nearest rank);
// nil when there is none.
type Durations struct {
	Count int    `json:"count"`
	P50   *int64 `json:"p50_ms"`
	P90   *int64 `json:"p90_ms"`
}

// Deposits are the deposits of the period's leads.
type Deposits struct {
	Paid           int   `json:"paid"`
	CollectedCents int64 `json:"collected_cents"`
	Refunded       int   `json:"refunded"`
	RefundedCents  int64 `json:"refunded_cents"`
}

// Handoffs are the conversations that went to staff and how long staff
// took to text the lead after the first hand-off.
type Handoffs struct {
	Count    int       `json:"count"`
	Answered int       `json:"answered"`
	Answer   Durations `json:"answer"`
}

// Week is one week (Monday to Sunday, clinic time) of the series: the leads
// created in it and how far they got.
type Week struct {
	Start          string `json:"week_start"` // YYYY-MM-DD, a Monday
	Leads          int    `json:"leads"`
	Engaged        int    `json:"engaged"`
	Booked         int    `json:"booked"`
	CollectedCents int64  `json:"collected_cents"`
}

// Funnel is the funnel report of a clinic's leads created in a period.
type Funnel struct {
	ClinicID string   `json:"clinic_id"`
	Timezone string   `json:"timezone"`
	From     string   `json:"from"` // YYYY-MM-DD, included
	To       string   `json:"to"`   // YYYY-MM-DD, included
	Leads    int      `json:"leads"`
	Sources  []Source `json:"sources"`
	// Stages counts the leads that reached each stage (every key of
	// Stages is present).
	Stages      map[string]int `json:"stages"`
	Deposits    Deposits       `json:"deposits"`
	SpeedToLead Durations      `json:"speed_to_lead"`
	Handoffs    Handoffs       `json:"handoffs"`
	Weeks       []Week         `json:"weeks"`
}

// lead is one conversation's rows.
type lead struct {
	created persistence.FunnelStage
	first   map[string]time.Time // stage -> first time
}

// Build computes the funnel of the leads created in p from their rows
// (persistence.Store.FunnelStages for p's instants). Rows of conversations
// without a created row are ignored.
func Build(clinicID string, loc *time.Location, p Period, rows []persistence.FunnelStage) Funnel {
	f := Funnel{ClinicID: clinicID, Timezone: loc.String(), From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly),
		Stages: map[string]int{}}
	for _, s := range Stages {
		f.Stages[s] = 0
	}
	weeks := weekIndex(p, loc)
	f.Weeks = make([]Week, len(weeks.starts))
	for i, s := range weeks.starts {
		f.Weeks[i].Start = s.Format(time.DateOnly)
	}
	leads := leadsOf(rows)
	t := tally{sources: map[sourceKey]*Source{}}
	for _, l := range leads {
		f.addLead(l, weeks, &t)
	}
	f.addDeposits(rows, leads, weeks)
	f.Sources = t.sortedSources()
	f.SpeedToLead = durations(t.speed)
	f.Handoffs = Handoffs{Count: f.Stages[persistence.StageHandedOff], Answered: len(t.answer), Answer: durations(t.answer)}
	return f
}

// leadsOf gathers the rows of each lead that has a created row: when it
// first reached each stage.
func leadsOf(rows []persistence.FunnelStage) map[string]*lead {
	leads := map[string]*lead{}
	for _, r := range rows {
		if r.Stage == persistence.StageCreated && r.Ref == "" {
			leads[r.LeadID] = &lead{created: r, first: map[string]time.Time{}}
		}
	}
	for _, r := range rows {
		l := leads[r.LeadID]
		if l == nil {
			continue
		}
		if at, ok := l.first[r.Stage]; !ok || r.At.Before(at) {
			l.first[r.Stage] = r.At
		}
	}
	return leads
}

type sourceKey struct{ source, utmSource, utmCampaign string }

// tally is what Build gathers lead by lead beyond the funnel's counts: the
// leads of each source, the speed to lead and the staff's answer times.
type tally struct {
	sources       map[sourceKey]*Source
	speed, answer []time.Duration
}

// addLead counts l in the stages it reached, its source and the week it
// was created in.
func (f *Funnel) addLead(l *lead, weeks weeks, t *tally) {
	f.Leads++
	for s := range l.first {
		f.Stages[s]++
	}
	k := sourceKey{l.created.Source, l.created.UTMSource, l.created.UTMCampaign}
	src := t.sources[k]
	if src == nil {
		src = &Source{Source: k.source, UTMSource: k.utmSource, UTMCampaign: k.utmCampaign}
		t.sources[k] = src
	}
	src.Leads++
	_, booked := l.first[persistence.StageBooked]
	if booked {
		src.Booked++
	}
	if at, ok := l.first[persistence.StageFirstReply]; ok {
		t.speed = append(t.speed, at.Sub(l.created.At))
	}
	if h, ok := l.first[persistence.StageHandedOff]; ok {
		if a, ok := l.first[persistence.StageStaffAnswered]; ok && !a.Before(h) {
			t.answer = append(t.answer, a.Sub(h))
		}
	}
	if i := weeks.of(l.created.At); i >= 0 {
		w := &f.Weeks[i]
		w.Leads++
		if _, ok := l.first[persistence.StageEngaged]; ok {
			w.Engaged++
		}
		if booked {
			w.Booked++
		}
	}
}

// addDeposits sums the deposits paid and refunded of the period's leads,
// and what was collected in each week.
func (f *Funnel) addDeposits(rows []persistence.FunnelStage, leads map[string]*lead, weeks weeks) {
	for _, r := range rows {
		l := leads[r.LeadID]
		if l == nil {
			continue
		}
		switch r.Stage {
		case persistence.StageDepositPaid:
			f.Deposits.Paid++
			f.Deposits.CollectedCents += r.AmountCents
			if i := weeks.of(l.created.At); i >= 0 {
				f.Weeks[i].CollectedCents += r.AmountCents
			}
		case persistence.StageDepositRefunded:
			f.Deposits.Refunded++
			f.Deposits.RefundedCents += r.AmountCents
		}
	}
}

// sortedSources are the sources, most leads first.
func (t tally) sortedSources() []Source {
	out := make([]Source, 0, len(t.sources))
	for _, s := range t.sources {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Source) int {
		return cmp.Or(cmp.Compare(b.Leads, a.Leads), cmp.Compare(a.Source, b.Source),
			cmp.Compare(a.UTMSource, b.UTMSource), cmp.Compare(a.UTMCampaign, b.UTMCampaign))
	})
	return out
}

// durations are the count and nearest-rank p50 and p90 of ds, in ms.
func durations(ds []time.Duration) Durations {
	out := Durations{Count: len(ds)}
	if len(ds) == 0 {
		return out
	}
	slices.Sort(ds)
	rank := func(p float64) *int64 {
		i := int(math.Ceil(p*float64(len(ds)))) - 1
		i = max(0, min(i, len(ds)-1))
		ms := ds[i].Milliseconds()
		return &ms
	}
	out.P50, out.P90 = rank(0.5), rank(0.9)
	return out
}

// weeks are the Mondays of a period's weeks, clinic time.
type weeks struct {
	loc    *time.Location
	starts []time.Time
}

func weekIndex(p Period, loc *time.Location) weeks {
	w := weeks{loc: loc}
	for d := monday(p.From); !d.After(p.To); d = d.AddDate(0, 0, 7) {
		w.starts = append(w.starts, d)
	}
	return w
}

// of is the index of the week at falls in, -1 outside.
func (w weeks) of(at time.Time) int {
	m := monday(at.In(w.loc))
	for i, s := range w.starts {
		if s.Equal(m) {
			return i
		}
	}
	return -1
}

// monday is the midnight starting the week (Monday) of t, in t's zone.
func monday(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	back := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -back)
}
