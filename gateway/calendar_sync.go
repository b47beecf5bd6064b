package gateway

import (
	"context"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
)

// CalendarSyncer asks the engine node that owns a clinic to sync its
// providers' external calendars now; the sync runs after the answer.
type CalendarSyncer func(ctx context.Context, clinicID string) error

// handleCalendarSync is POST /v1/clinics/{clinic_id}/calendar/sync (staff):
// 202 once the engine has the request; the result shows in the calendar,
// /metrics and `medspa status`.
func handleCalendarSync(sync CalendarSyncer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sync == nil {
			Error(w, r, fmt.Errorf("%w: calendar sync is not available from this process", ErrUnavailable))
			return
		}
		id := chi.URLParam(r, "clinic_id")
		if err := sync(r.Context(), id); err != nil {
			Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "accepted"})
	})
}
