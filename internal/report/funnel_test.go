package report

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/medspa/engine/persistence"
)

var chicago, _ = time.LoadLocation("America/Chicago")

func row(lead, stage string, at time.Time, extra ...string) persistence.FunnelStage {
	f := persistence.FunnelStage{ClinicID: "c", LeadID: lead, Stage: stage, At: at}
	if len(extra) > 0 {
		f.Source = extra[0]
	}
	if len(extra) > 2 {
		f.UTMSource, f.UTMCampaign = extra[1], extra[2]
	}
	return f
}

func TestBuild(t *testing.T) {
	p, bad := ParsePeriod("2026-11-02", "2026-11-15", time.Time{}, chicago)
	if bad != nil {
		t.Fatal(bad)
	}
	mon := time.Date(2026, 11, 2, 9, 0, 0, 0, chicago)
	deposit := func(lead, ref string, cents int64, at time.Time) persistence.FunnelStage {
		f := row(lead, persistence.StageDepositPaid, at)
		f.Ref, f.AmountCents = ref, cents
		return f
	}
	refund := deposit("a", "ap1", 5000, mon.Add(48*time.Hour))
	refund.Stage = persistence.StageDepositRefunded
	rows := []persistence.FunnelStage{
		row("a", persistence.StageCreated, mon, persistence.SourceWebForm, "google", "spring"),
		row("a", persistence.StageFirstReply, mon.Add(800*time.Millisecond)),
		row("a", persistence.StageEngaged, mon.Add(time.Minute)),
		row("a", persistence.StageBooked, mon.Add(time.Hour)),
		deposit("a", "ap1", 5000, mon.Add(time.Hour)),
		deposit("a", "ap2", 2500, mon.Add(2*time.Hour)),
		refund,
		row("b", persistence.StageCreated, mon.Add(24*time.Hour), persistence.SourceSMSTelnyx),
		row("b", persistence.StageFirstReply, mon.Add(24*time.Hour+2*time.Second)),
		row("b", persistence.StageHandedOff, mon.Add(25*time.Hour)),
		row("b", persistence.StageStaffAnswered, mon.Add(25*time.Hour+10*time.Minute)),
		// Sunday night in Chicago, Monday in UTC: still the first week.
		row("c", persistence.StageCreated, time.Date(2026, 11, 8, 23, 30, 0, 0, chicago), persistence.SourceSMSTelnyx),
		row("c", persistence.StageFirstReply, time.Date(2026, 11, 8, 23, 30, 4, 0, chicago)),
		row("d", persistence.StageCreated, mon.AddDate(0, 0, 7), persistence.SourceWebForm, "google", "spring"),
		row("d", persistence.StageHandedOff, mon.AddDate(0, 0, 7)),
		// Rows of a conversation without a created row are ignored.
		row("old", persistence.StageBooked, mon),
	}
	f := Build("c", chicago, p, rows)
	if f.Leads != 4 || f.From != "2026-11-02" || f.To != "2026-11-15" || f.Timezone != "America/Chicago" {
		t.Errorf("report = %+v", f)
	}
	want := map[string]int{"created": 4, "first_reply": 3, "engaged": 1, "booked": 1, "deposit_paid": 1, "deposit_refunded": 1, "handed_off": 2, "staff_answered": 1}
	for _, s := range Stages {
		if f.Stages[s] != want[s] {
			t.Errorf("stage %s = %d, want %d", s, f.Stages[s], want[s])
		}
	}
	if f.Deposits != (Deposits{Paid: 2, CollectedCents: 7500, Refunded: 1, RefundedCents: 5000}) {
		t.Errorf("deposits = %+v", f.Deposits)
	}
	if f.SpeedToLead.Count != 3 || *f.SpeedToLead.P50 != 2000 || *f.SpeedToLead.P90 != 4000 {
		t.Errorf("speed to lead = %d, %d, %d", f.SpeedToLead.Count, *f.SpeedToLead.P50, *f.SpeedToLead.P90)
	}
	if f.Handoffs.Count != 2 || f.Handoffs.Answered != 1 || *f.Handoffs.Answer.P50 != 600000 {
		t.Errorf("handoffs = %+v", f.Handoffs)
	}
	if len(f.Sources) != 2 || f.Sources[0] != (Source{Source: "sms_telnyx", Leads: 2}) ||
		f.Sources[1] != (Source{Source: "web_form", UTMSource: "google", UTMCampaign: "spring", Leads: 2, Booked: 1}) {
		t.Errorf("sources = %+v", f.Sources)
	}
	if len(f.Weeks) != 2 || f.Weeks[0] != (Week{Start: "2026-11-02", Leads: 3, Engaged: 1, Booked: 1, CollectedCents: 7500}) ||
		f.Weeks[1] != (Week{Start: "2026-11-09", Leads: 1}) {
		t.Errorf("weeks = %+v", f.Weeks)
	}

	var b bytes.Buffer
	if err := WriteCSV(&b, f); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range recs {
		if len(r) != len(CSVHeader) {
			t.Fatalf("row %q has %d fields", r, len(r))
		}
		got[r[0]+"|"+r[1]+"|"+r[2]+"|"+r[3]] = r[4]
	}
	for k, v := range map[string]string{"metric|key|utm_source|utm_campaign": "value", "leads|||": "4", "stage|booked||": "1",
		"source_leads|web_form|google|spring": "2", "deposits_collected_cents|||": "7500", "speed_to_lead_p90_ms|||": "4000",
		"week_leads|2026-11-09||": "1", "staff_answer_p50_ms|||": "600000"} {
		if got[k] != v {
			t.Errorf("csv %s = %q, want %q", k, got[k], v)
		}
	}
}

func TestEmptyReport(t *testing.T) {
	p, _ := ParsePeriod("", "", time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC), chicago)
	if p.To.Format(time.DateOnly) != "2026-11-19" || p.From.Format(time.DateOnly) != "2026-10-21" {
		t.Errorf("default period = %v .. %v, want the 30 days to today in Chicago", p.From, p.To)
	}
	f := Build("c", chicago, p, nil)
	if f.Leads != 0 || f.SpeedToLead.P50 != nil || len(f.Stages) != len(Stages) || len(f.Weeks) != 5 {
		t.Errorf("empty = %+v", f)
	}
}

func TestParsePeriodBounds(t *testing.T) {
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ from, to, field string }{
		{"2026-13-01", "", "from"},
		{"", "yesterday", "to"},
		{"2026-11-10", "2026-11-09", "from"},
		{"2025-01-01", "2026-01-02", "to"}, // 367 days
	} {
		if _, bad := ParsePeriod(tt.from, tt.to, now, chicago); bad[tt.field] == "" {
			t.Errorf("%s..%s: %v, want %s refused", tt.from, tt.to, bad, tt.field)
		}
	}
	if _, bad := ParsePeriod("2025-01-01", "2026-01-01", now, chicago); bad != nil {
		t.Errorf("366 days refused: %v", bad)
	}
}

func TestCSVCellsAreNotFormulas(t *testing.T) {
	for in, want := range map[string]string{"=HYPERLINK(1)": "'=HYPERLINK(1)", "+1": "+1", "@x": "'@x", "-5": "-5", "-x": "'-x", "google": "google"} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}
