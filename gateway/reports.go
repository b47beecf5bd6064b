package gateway

import (
	"fmt"
	"net/http"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/report"
	"github.com/medspa/engine/persistence"
)

// handleFunnelReport answers the funnel of a clinic's leads created in a
// period (?from=&to=, days in the clinic's zone, both included; the last
// 30 days by default; at most 366): leads by source, how many reached each
// stage, deposits, speed to lead and staff answer times, and a weekly
// series. asCSV writes the same as CSV (the .csv route).
func handleFunnelReport(dir *directory.Directory, store persistence.Store, now func() time.Time, asCSV bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := clinicParam(w, r, dir)
		if !ok {
			return
		}
		id := c.ID
		if store == nil {
			Error(w, r, fmt.Errorf("%w: no store", ErrUnavailable))
			return
		}
		q := r.URL.Query()
		loc := c.Location()
		p, bad := report.ParsePeriod(q.Get("from"), q.Get("to"), now(), loc)
		if bad != nil {
			Error(w, r, invalid(bad))
			return
		}
		rows, err := store.FunnelStages(r.Context(), id, p.Start(), p.End())
		if err != nil {
			Error(w, r, fmt.Errorf("load funnel: %w", err))
			return
		}
		f := report.Build(id, loc, p, rows)
		w.Header().Set("Cache-Control", "private, no-store")
		if !asCSV {
			writeJSON(w, http.StatusOK, f)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="funnel-%s-%s-%s.csv"`, id, f.From, f.To))
		w.WriteHeader(http.StatusOK)
		if err := report.WriteCSV(w, f); err != nil {
			loggerFrom(r.Context()).WarnContext(r.Context(), "write funnel csv", "error", err.Error())
		}
	})
}
