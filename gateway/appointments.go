package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/persistence"
)

// maxAppointments bounds the upcoming appointments list.
const maxAppointments = 100

type upcomingAppointment struct {
	appointmentView
	// Name is the lead's name as last known ("" when not given).
	Name string `json:"name"`
}

type appointmentList struct {
	Items []upcomingAppointment `json:"items"`
	// Blocks are the blocks that have not ended, soonest first: staff's
	// and those read from providers' calendars.
	Blocks []blockView `json:"blocks"`
}

// handleListAppointments lists a clinic's upcoming appointments, soonest
// first: booked ones that have not ended and holds that have not expired,
// from the last calendar the clinic actor saved, and its blocks.
func handleListAppointments(dir *directory.Directory, store persistence.Store, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := 50
		if s := r.URL.Query().Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > maxAppointments {
				Error(w, r, invalid(map[string]string{"limit": fmt.Sprintf("an integer from 1 to %d", maxAppointments)}))
				return
			}
			limit = n
		}
		clinicID := chi.URLParam(r, "clinic_id")
		cal, err := loadCalendar(r.Context(), store, clinicID)
		if err != nil {
			Error(w, r, err)
			return
		}
		t := now()
		c, _ := dir.ByID(clinicID)
		out := appointmentList{Items: []upcomingAppointment{}, Blocks: []blockView{}}
		slices.SortFunc(cal.Blocks, func(a, b clinic.Block) int { return a.Start.Compare(b.Start) })
		for _, b := range cal.Blocks {
			if b.End.After(t) && len(out.Blocks) < maxAppointments {
				out.Blocks = append(out.Blocks, blockOf(c, b))
			}
		}
		for _, a := range cal.Appointments {
			if len(out.Items) == limit {
				break
			}
			upcoming := a.End.After(t) && (a.Status == clinic.StatusBooked || a.Status == clinic.StatusHeld && a.HoldUntil.After(t))
			if !upcoming {
				continue
			}
			item := upcomingAppointment{appointmentView: appointmentOf(c, a)}
			s, err := store.LoadSnapshot(r.Context(), clinicID, a.LeadID)
			switch {
			case err == nil:
				item.Name = s.Name
				if item.Attendance == "" {
					item.Attendance = stateAttendance(s.State)[a.ID]
				}
			case !errors.Is(err, persistence.ErrNotFound):
				Error(w, r, fmt.Errorf("load snapshot: %w", err))
				return
			}
			out.Items = append(out.Items, item)
		}
		writeJSON(w, http.StatusOK, out)
	})
}
