package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// calendarStatus is one provider's external calendar sync as the engine's
// /metrics tell it.
type calendarStatus struct {
	Clinic, Provider string
	Up               bool
	LastSync         time.Time // zero before the first sync that worked
	Errors           float64
}

// collectCalendars reads the calendar sync of each provider from the
// metrics at base.
func collectCalendars(ctx context.Context, base string, r *statusReport) {
	readMetrics(ctx, base, func(body io.Reader) { r.Calendars = scrapeCalendars(body) })
}

// scrapeCalendars reads the medspa_calendar_* samples by clinic and
// provider from a Prometheus text exposition.
func scrapeCalendars(body io.Reader) []calendarStatus {
	byKey := map[string]*calendarStatus{}
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "medspa_calendar_") {
			continue
		}
		name, rest, ok := strings.Cut(line, "{")
		if !ok {
			continue
		}
		labels, value, ok := strings.Cut(rest, "} ")
		if !ok {
			continue
		}
		clinicID, providerID := label(labels, "clinic"), label(labels, "provider")
		if clinicID == "" || providerID == "" {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		key := clinicID + "/" + providerID
		s, ok := byKey[key]
		if !ok {
			s = &calendarStatus{Clinic: clinicID, Provider: providerID}
			byKey[key] = s
		}
		switch name {
		case "medspa_calendar_sync_up":
			s.Up = v == 1
		case "medspa_calendar_last_sync_timestamp_seconds":
			if v > 0 {
				s.LastSync = time.Unix(int64(v), 0).UTC()
			}
		case "medspa_calendar_sync_errors_total":
			s.Errors = v
		}
	}
	out := make([]calendarStatus, 0, len(byKey))
	for _, s := range byKey {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Clinic != out[j].Clinic {
			return out[i].Clinic < out[j].Clinic
		}
		return out[i].Provider < out[j].Provider
	})
	return out
}

// label returns the value of label name in `a="x",b="y"`.
func label(labels, name string) string {
	for _, kv := range strings.Split(labels, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if ok && k == name {
			if u, err := strconv.Unquote(v); err == nil {
				return u
			}
		}
	}
	return ""
}

// writeCalendars prints one line per provider calendar.
func writeCalendars(w io.Writer, cals []calendarStatus) {
	if len(cals) == 0 {
		return
	}
	fmt.Fprintln(w, "Calendars:")
	for _, c := range cals {
		state := "ok"
		if !c.Up {
			state = "FAILING (the engine uses the last known busy time)"
		}
		last := "never"
		if !c.LastSync.IsZero() {
			last = c.LastSync.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "  %s/%s: %s, last synced %s, %.0f failed syncs\n", c.Clinic, c.Provider, state, last, c.Errors)
	}
}
