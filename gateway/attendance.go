package gateway

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// maxAttendanceBody bounds POST .../appointments/{id}/status.
const maxAttendanceBody = 1 << 10

// attendanceRequest is the body of POST
// /v1/clinics/{clinic_id}/appointments/{appointment_id}/status.
type attendanceRequest struct {
	Status string `json:"status"`
}

// attendanceBody is how the attendance route reads its body.
var attendanceBody = bodyRules{limit: maxAttendanceBody, strict: true,
	shape: `a JSON object {"status": "arrived" | "completed" | "no_show"}`}

// Valid names a status that is not one staff record.
func (q attendanceRequest) Valid(time.Time) map[string]string {
	if !clinic.ValidAttendance(q.Status) {
		return map[string]string{"status": "one of arrived, completed, no_show"}
	}
	return nil
}

// attendanceAccepted answers an attendance record: the appointment as it
// will read once its conversation applied it.
type attendanceAccepted struct {
	ActionID    string          `json:"action_id"`
	Appointment appointmentView `json:"appointment"`
}

// stateAppointment is what the attendance route reads of a conversation's
// appointment.
type stateAppointment struct {
	ID         string    `json:"id"`
	Status     string    `json:"status"`
	Start      time.Time `json:"start"`
	Attendance string    `json:"attendance"`
}

// handleAttendance records whether a booked patient came. The appointment
// is found on the clinic's calendar (kept there a week after it ended),
// the change is checked against the conversation's record (409 for one
// that does not follow: a visit not booked or not started, or completed
// already), and it goes to the conversation as an attendance action on
// its inbound subject: the lead's actor applies it through the pure core,
// so the review request follows a completed visit and a no-show gets its
// one follow-up. The action's id derives from the appointment and the
// status, so a retry is a duplicate; 202 either way.
func handleAttendance(dir *directory.Directory, store persistence.Store, live LiveState, pub Publisher, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		clinicID, apptID := chi.URLParam(r, "clinic_id"), chi.URLParam(r, "appointment_id")
		t := now()
		req, err := decodeRequest[attendanceRequest](w, r, attendanceBody, t, nil)
		if err != nil {
			Error(w, r, err)
			return
		}
		cal, err := loadCalendar(ctx, store, clinicID)
		if err != nil {
			Error(w, r, err)
			return
		}
		a, ok := cal.Find(apptID)
		if !ok || !messages.ValidToken(apptID) {
			Error(w, r, fmt.Errorf("%w: no such appointment on the clinic's calendar", ErrNotFound))
			return
		}
		s, err := loadConversation(ctx, store, clinicID, a.LeadID)
		if err != nil {
			Error(w, r, err)
			return
		}
		state := s.State
		if live != nil {
			if st, v, ok := live(ctx, clinicID, s.LeadID); ok && v >= s.Version {
				state = st
			}
		}
		var st struct {
			Appointments []stateAppointment `json:"appointments"`
		}
		if err := json.Unmarshal(state, &st); err != nil {
			Error(w, r, fmt.Errorf("decode state: %w", err))
			return
		}
		rec := stateAppointment{Status: "unknown to the conversation"}
		for _, x := range st.Appointments {
			if x.ID == apptID {
				rec = x
			}
		}
		problem := ""
		if rec.Status != clinic.StatusBooked {
			problem = "the appointment is " + rec.Status + ", not booked"
		} else {
			problem = clinic.AttendanceProblem(rec.Attendance, req.Status, rec.Start, t)
		}
		if problem != "" {
			Error(w, r, fmt.Errorf("%w: %s", ErrConflict, problem))
			return
		}
		id := "attendance:" + apptID + ":" + req.Status
		env := messages.Envelope{V: messages.Version, ID: id, Kind: messages.KindStaff, ClinicID: clinicID, LeadID: s.LeadID, Phone: s.Phone, Received: t,
			Staff: &messages.StaffAction{Type: messages.StaffAttendance, UserID: claimsFrom(ctx).Subject, AppointmentID: apptID, Status: req.Status}}
		if err := publishStaff(ctx, pub, env, "attendance"); err != nil {
			Error(w, r, err)
			return
		}
		loggerFrom(ctx).LogAttrs(ctx, slog.LevelInfo, "attendance recorded", slog.String("clinic_id", clinicID),
			slog.String("appointment_id", apptID), slog.String("status", req.Status))
		c, _ := dir.ByID(clinicID)
		a.Attendance = req.Status
		writeJSON(w, http.StatusAccepted, attendanceAccepted{ActionID: id, Appointment: appointmentOf(c, a)})
	})
}
