package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// transcriptLimit is how many transcript lines the detail returns.
const transcriptLimit = 500

type transcriptMessage struct {
	ID        string    `json:"id"`
	Direction string    `json:"direction"`
	Author    string    `json:"author"` // lead, engine or staff:<user>
	Text      string    `json:"text"`
	At        time.Time `json:"at"`
	// Status is the delivery status of an outbound message ("" until the
	// sender records it).
	Status string `json:"status,omitempty"`
	// AuthorName is the name of a staff author who is a user.
	AuthorName string `json:"author_name,omitempty"`
}

type appointmentView struct {
	ID        string    `json:"id"`
	LeadID    string    `json:"lead_id"`
	ServiceID string    `json:"service_id"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Status    string    `json:"status"`
	HoldUntil time.Time `json:"hold_until,omitzero"`
	// ProviderID, ProviderName and RoomID say who gives it and where;
	// Attendance is what staff recorded (arrived, completed, no_show).
	ProviderID   string `json:"provider_id,omitempty"`
	ProviderName string `json:"provider_name,omitempty"`
	RoomID       string `json:"room_id,omitempty"`
	Attendance   string `json:"attendance,omitempty"`
	// AttendanceNext is what staff may record now (conversation detail
	// only; by the server's clock, so the inbox needs none of its own).
	AttendanceNext []string `json:"attendance_next,omitempty"`
}

type timerView struct {
	ID    string    `json:"id"`
	Kind  string    `json:"kind"`
	DueAt time.Time `json:"due_at"`
}

type consentEntry struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Source string    `json:"source"`
}

type consentView struct {
	// State is the kind of the latest ledger entry ("" when there is none).
	State  string         `json:"state"`
	Ledger []consentEntry `json:"ledger"`
}

type conversationDetail struct {
	ID       string `json:"id"`
	ClinicID string `json:"clinic_id"`
	Phone    string `json:"phone"`
	Name     string `json:"name"`
	Phase    string `json:"phase"`
	// Email and UTM are what a web form gave (omitted when nothing).
	Email       string        `json:"email,omitempty"`
	UTM         *messages.UTM `json:"utm,omitempty"`
	NeedsPerson bool          `json:"needs_person"`
	Version     int64         `json:"version"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	// Source says where the state was read: "actor" (the conversation's
	// actor in memory) or "snapshot" (the last persisted state).
	Source       string              `json:"source"`
	Fields       map[string]any      `json:"fields"`
	Messages     []transcriptMessage `json:"messages"`
	Appointments []appointmentView   `json:"appointments"`
	Timers       []timerView         `json:"timers"`
	Consent      consentView         `json:"consent"`
	// StaffNames maps the staff user ids of the transcript and the notes
	// to their names.
	StaffNames map[string]string `json:"staff_names"`
}

// hiddenFields are keys of the state JSON the detail leaves out of fields:
// the recent transcript (messages has all of it) and the bookkeeping of
// compliance caps.
var hiddenFields = []string{"recent", "initiated"}

// handleGetConversation returns one conversation: transcript with delivery
// status, the fields of its state, its appointments, pending timers and
// consent ledger.
func handleGetConversation(dir *clinic.Directory, store persistence.Store, live LiveState, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		clinicID := chi.URLParam(r, "clinic_id")
		s, err := loadConversation(ctx, store, clinicID, chi.URLParam(r, "conversation_id"))
		if err != nil {
			Error(w, r, err)
			return
		}
		out := conversationDetail{
			ID: s.LeadID, ClinicID: s.ClinicID, Phone: s.Phone, Name: s.Name, Phase: s.Phase,
			NeedsPerson: s.Phase == phaseHandedOver, Version: s.Version, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
			Source: "snapshot", Fields: map[string]any{},
			Messages: []transcriptMessage{}, Appointments: []appointmentView{}, Timers: []timerView{},
			Consent: consentView{Ledger: []consentEntry{}},
		}
		if live != nil {
			// The actor's state, when one is in memory, is at least as new
			// as the snapshot and says so.
			if st, v, ok := live(ctx, clinicID, s.LeadID); ok && v >= s.Version {
				s.State, out.Version, out.Source = st, v, "actor"
			}
		}
		if len(s.State) > 0 {
			if err := json.Unmarshal(s.State, &out.Fields); err != nil {
				Error(w, r, fmt.Errorf("decode state: %w", err))
				return
			}
			for _, k := range hiddenFields {
				delete(out.Fields, k)
			}
			var web struct {
				Email string        `json:"email"`
				UTM   *messages.UTM `json:"utm"`
			}
			if err := json.Unmarshal(s.State, &web); err == nil {
				out.Email = web.Email
				if !web.UTM.Empty() {
					out.UTM = web.UTM
				}
			}
		}
		entries, err := store.Transcript(ctx, clinicID, s.LeadID, transcriptLimit)
		if err != nil {
			Error(w, r, fmt.Errorf("load transcript: %w", err))
			return
		}
		for _, e := range entries {
			out.Messages = append(out.Messages, transcriptMessage{ID: e.ID, Direction: e.Direction, Author: e.Author, Text: e.Text, At: e.At, Status: e.Status})
		}
		if out.StaffNames, err = nameStaff(ctx, store, out.Messages, out.Fields); err != nil {
			Error(w, r, err)
			return
		}
		cal, err := loadCalendar(ctx, store, clinicID)
		if err != nil {
			Error(w, r, err)
			return
		}
		c, _ := dir.ByID(clinicID)
		attendance := stateAttendance(s.State)
		for _, a := range cal.Appointments {
			if a.LeadID == s.LeadID {
				if a.Attendance == "" {
					a.Attendance = attendance[a.ID]
				}
				v := appointmentOf(c, a)
				if a.Status == clinic.StatusBooked {
					v.AttendanceNext = clinic.AttendanceChoices(a.Attendance, a.Start, now())
				}
				out.Appointments = append(out.Appointments, v)
			}
		}
		timers, err := store.LeadTimers(ctx, clinicID, s.LeadID)
		if err != nil {
			Error(w, r, fmt.Errorf("load timers: %w", err))
			return
		}
		for _, t := range timers {
			out.Timers = append(out.Timers, timerView{ID: t.ID, Kind: t.Kind, DueAt: t.DueAt})
		}
		if s.Phone != "" {
			ledger, err := store.ConsentLedger(ctx, clinicID, s.Phone)
			if err != nil {
				Error(w, r, fmt.Errorf("load consent ledger: %w", err))
				return
			}
			for _, c := range ledger {
				out.Consent.Ledger = append(out.Consent.Ledger, consentEntry{At: c.At, Kind: c.Kind, Source: c.Source})
				out.Consent.State = c.Kind
			}
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// loadConversation returns a conversation of the clinic, or an error that
// answers 404 when there is none.
func loadConversation(ctx context.Context, store persistence.Store, clinicID, id string) (persistence.Snapshot, error) {
	if !messages.ValidToken(id) {
		return persistence.Snapshot{}, fmt.Errorf("%w: no such conversation", ErrNotFound)
	}
	s, err := store.LoadSnapshot(ctx, clinicID, id)
	if errors.Is(err, persistence.ErrNotFound) {
		return persistence.Snapshot{}, fmt.Errorf("%w: no such conversation", ErrNotFound)
	}
	if err != nil {
		return persistence.Snapshot{}, fmt.Errorf("load snapshot: %w", err)
	}
	return s, nil
}

// loadCalendar reads a clinic's persisted calendar (empty when it has
// none). It is the last state the clinic actor saved.
func loadCalendar(ctx context.Context, store persistence.Store, clinicID string) (clinic.Calendar, error) {
	var cal clinic.Calendar
	snap, err := store.LoadClinic(ctx, clinicID)
	if errors.Is(err, persistence.ErrNotFound) {
		return cal, nil
	}
	if err != nil {
		return cal, fmt.Errorf("load clinic calendar: %w", err)
	}
	if err := json.Unmarshal(snap.State, &cal); err != nil {
		return cal, fmt.Errorf("decode clinic calendar: %w", err)
	}
	slices.SortFunc(cal.Appointments, func(a, b clinic.Appointment) int { return a.Start.Compare(b.Start) })
	return cal, nil
}

// stateAttendance reads the attendance staff recorded on the appointments
// of a conversation's state, by appointment id.
func stateAttendance(state []byte) map[string]string {
	var s struct {
		Appointments []struct {
			ID         string `json:"id"`
			Attendance string `json:"attendance"`
		} `json:"appointments"`
	}
	out := map[string]string{}
	if json.Unmarshal(state, &s) != nil {
		return out
	}
	for _, a := range s.Appointments {
		if a.Attendance != "" {
			out[a.ID] = a.Attendance
		}
	}
	return out
}

func appointmentOf(c *clinic.Clinic, a clinic.Appointment) appointmentView {
	v := appointmentView{ID: a.ID, LeadID: a.LeadID, ServiceID: a.ServiceID, Start: a.Start, End: a.End, Status: a.Status, HoldUntil: a.HoldUntil,
		ProviderID: a.ProviderID, RoomID: a.RoomID, Attendance: a.Attendance}
	if c != nil {
		v.ProviderName = c.ProviderName(a.ProviderID)
	}
	return v
}
