package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// CSVHeader is the first line of the CSV form of a funnel report.
var CSVHeader = []string{"metric", "key", "utm_source", "utm_campaign", "value"}

// WriteCSV writes the report as rows of metric, key, utm_source,
// utm_campaign and value (see docs/ARCHITECTURE.md, Reports): the period,
// leads, leads and bookings by source, leads by stage, deposits, speed to
// lead and staff answer percentiles (ms, empty when none), and the weekly
// series keyed by the week's Monday. A text that a spreadsheet would read
// as a formula is written with a leading apostrophe.
func WriteCSV(w io.Writer, f Funnel) error {
	cw := csv.NewWriter(w)
	rows := [][]string{CSVHeader,
		{"clinic", f.ClinicID, "", "", ""},
		{"timezone", f.Timezone, "", "", ""},
		{"from", f.From, "", "", ""},
		{"to", f.To, "", "", ""},
		{"leads", "", "", "", itoa(f.Leads)},
	}
	for _, s := range f.Sources {
		rows = append(rows,
			[]string{"source_leads", s.Source, s.UTMSource, s.UTMCampaign, itoa(s.Leads)},
			[]string{"source_booked", s.Source, s.UTMSource, s.UTMCampaign, itoa(s.Booked)})
	}
	for _, s := range Stages {
		rows = append(rows, []string{"stage", s, "", "", itoa(f.Stages[s])})
	}
	rows = append(rows,
		[]string{"deposits_paid", "", "", "", itoa(f.Deposits.Paid)},
		[]string{"deposits_collected_cents", "", "", "", i64(f.Deposits.CollectedCents)},
		[]string{"deposits_refunded", "", "", "", itoa(f.Deposits.Refunded)},
		[]string{"deposits_refunded_cents", "", "", "", i64(f.Deposits.RefundedCents)},
		[]string{"speed_to_lead_count", "", "", "", itoa(f.SpeedToLead.Count)},
		[]string{"speed_to_lead_p50_ms", "", "", "", ptr(f.SpeedToLead.P50)},
		[]string{"speed_to_lead_p90_ms", "", "", "", ptr(f.SpeedToLead.P90)},
		[]string{"handoffs", "", "", "", itoa(f.Handoffs.Count)},
		[]string{"handoffs_answered", "", "", "", itoa(f.Handoffs.Answered)},
		[]string{"staff_answer_p50_ms", "", "", "", ptr(f.Handoffs.Answer.P50)},
		[]string{"staff_answer_p90_ms", "", "", "", ptr(f.Handoffs.Answer.P90)},
	)
	for _, wk := range f.Weeks {
		rows = append(rows,
			[]string{"week_leads", wk.Start, "", "", itoa(wk.Leads)},
			[]string{"week_engaged", wk.Start, "", "", itoa(wk.Engaged)},
			[]string{"week_booked", wk.Start, "", "", itoa(wk.Booked)},
			[]string{"week_collected_cents", wk.Start, "", "", i64(wk.CollectedCents)})
	}
	for _, r := range rows {
		for i := range r {
			r[i] = cell(r[i])
		}
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func itoa(n int) string  { return strconv.Itoa(n) }
func i64(n int64) string { return strconv.FormatInt(n, 10) }
func ptr(p *int64) string {
	if p == nil {
		return ""
	}
	return i64(*p)
}

// cell keeps a spreadsheet from reading text as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return s // a negative number
		}
		return "'" + s
	}
	return s
}
