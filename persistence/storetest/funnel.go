package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

func funnelRows(t *testing.T, s persistence.Store, clinic string, from, to time.Time) []string {
	t.Helper()
	fs, err := s.FunnelStages(ctx(t), clinic, from, to)
	if err != nil {
		t.Fatalf("FunnelStages: %v", err)
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s/%s %s %s %s %d %s %s %s", f.ClinicID, f.LeadID, f.Stage, f.Ref,
			f.At.Sub(us(t0)), f.AmountCents, f.Source, f.UTMSource, f.UTMCampaign)
	}
	return out
}

// Funnel rows are written with their commit, the first row of a key is
// kept, and a read selects the conversations created in the period with
// every row they have.
func testFunnelStages(t *testing.T, s persistence.Store) {
	a := commit("c1", "a", 0, "k1", t0)
	a.Funnel = []persistence.FunnelStage{
		{Stage: persistence.StageCreated, At: t0, Source: persistence.SourceWebForm, UTMSource: "google", UTMCampaign: "spring"},
		{Stage: persistence.StageFirstReply}, // at the commit's time
	}
	mustApply(t, s, a)
	b := commit("c1", "a", 1, "k2", t0.Add(time.Hour))
	b.Funnel = []persistence.FunnelStage{
		{Stage: persistence.StageFirstReply, At: t0.Add(time.Hour)}, // already reached: ignored
		{Stage: persistence.StageDepositPaid, Ref: "ap1", AmountCents: 5000, At: t0.Add(time.Hour)},
		{Stage: persistence.StageDepositPaid, Ref: "ap2", AmountCents: 2500, At: t0.Add(time.Hour)},
		{Stage: persistence.StageDepositPaid, Ref: "ap2", AmountCents: 9999, At: t0.Add(time.Hour)}, // twice in one commit
	}
	mustApply(t, s, b)
	// A failed commit writes no funnel row.
	stale := commit("c1", "a", 1, "k3", t0.Add(2*time.Hour))
	stale.Funnel = []persistence.FunnelStage{{Stage: persistence.StageBooked}}
	if res := apply(t, s, stale); res[0] != persistence.ErrVersionConflict {
		t.Fatalf("stale commit: %v", res[0])
	}
	dup := commit("c1", "a", 2, "k2", t0.Add(2*time.Hour))
	dup.Funnel = []persistence.FunnelStage{{Stage: persistence.StageBooked}}
	if res := apply(t, s, dup); res[0] != persistence.ErrDuplicate {
		t.Fatalf("duplicate commit: %v", res[0])
	}
	// Another lead created later, one of another clinic, and one without a
	// created row (a conversation from before tracking).
	c := commit("c1", "b", 0, "k4", t0.Add(48*time.Hour))
	c.Funnel = []persistence.FunnelStage{{Stage: persistence.StageCreated, At: t0.Add(48 * time.Hour), Source: persistence.SourceSMSTelnyx}}
	d := commit("c2", "a", 0, "k5", t0)
	d.Funnel = []persistence.FunnelStage{{Stage: persistence.StageCreated, At: t0, Source: persistence.SourceMissedCall}}
	e := commit("c1", "old", 0, "k6", t0)
	e.Funnel = []persistence.FunnelStage{{Stage: persistence.StageBooked, At: t0}}
	mustApply(t, s, c, d, e)

	got := funnelRows(t, s, "c1", t0, t0.Add(24*time.Hour))
	want := []string{
		"c1/a created  0s 0 web_form google spring",
		"c1/a first_reply  0s 0   ",
		"c1/a deposit_paid ap1 1h0m0s 5000   ",
		"c1/a deposit_paid ap2 1h0m0s 2500   ",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("day one =\n%q\nwant\n%q", got, want)
	}
	if got := funnelRows(t, s, "c1", t0, t0.Add(72*time.Hour)); len(got) != 5 || got[4] != "c1/b created  48h0m0s 0 sms_telnyx  " {
		t.Errorf("three days = %q", got)
	}
	if got := funnelRows(t, s, "c1", t0.Add(time.Microsecond), t0.Add(48*time.Hour)); len(got) != 0 {
		t.Errorf("from is inclusive, to exclusive: %q", got)
	}
	if got := funnelRows(t, s, "c2", t0, t0.Add(time.Hour)); len(got) != 1 || got[0] != "c2/a created  0s 0 missed_call  " {
		t.Errorf("other clinic = %q", got)
	}
}
