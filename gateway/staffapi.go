package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/internal/timeparse"
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

// appointmentView is an appointment in staff API responses: the clinic's
// record of it, with the name of its provider.
type appointmentView struct {
	clinic.Appointment
	ProviderName string `json:"provider_name,omitempty"`
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
	Fields       conversationFields  `json:"fields"`
	Messages     []transcriptMessage `json:"messages"`
	Appointments []appointmentView   `json:"appointments"`
	Timers       []timerView         `json:"timers"`
	Consent      consentView         `json:"consent"`
	// StaffNames maps the staff user ids of the transcript and the notes
	// to their names.
	StaffNames map[string]string `json:"staff_names"`
}

// conversationFields are what the conversation knows of the lead and of
// where it stands, as staff read them: named fields of the core's state,
// not the state itself (its bookkeeping stays inside).
type conversationFields struct {
	ServiceID  string `json:"service_id,omitempty"`
	ProviderID string `json:"provider_id,omitempty"`
	// Patient is new or returning once the lead says; ForOther: the name
	// is of someone the lead books for.
	Patient  string                `json:"patient,omitempty"`
	ForOther bool                  `json:"for_other,omitempty"`
	Want     *timeparse.Preference `json:"want,omitempty"`
	// Asked is the question the last reply ended with.
	Asked         conversation.Question `json:"asked,omitempty"`
	Offers        []clinic.Slot         `json:"offers,omitempty"`
	Hold          *conversation.Hold    `json:"hold,omitempty"`
	Turns         int                   `json:"turns"`
	LastInboundAt time.Time             `json:"last_inbound_at,omitzero"`
	// Consent is how the lead first agreed to texts.
	Consent        string                     `json:"consent,omitempty"`
	RecipientState string                     `json:"recipient_state,omitempty"`
	RecipientTZ    string                     `json:"recipient_tz,omitempty"`
	Urgent         bool                       `json:"urgent,omitempty"`
	StaffFrom      conversation.Phase         `json:"staff_from,omitempty"`
	OptedOutFrom   conversation.Phase         `json:"opted_out_from,omitempty"`
	Notes          []conversation.Note        `json:"notes,omitempty"`
	Deferred       []conversation.Deferred    `json:"deferred,omitempty"`
	Appointments   []conversation.Appointment `json:"appointments,omitempty"`
}

func fieldsOf(s conversation.State) conversationFields {
	return conversationFields{
		ServiceID: s.ServiceID, ProviderID: s.ProviderID, Patient: s.Patient, ForOther: s.ForOther, Want: s.Want,
		Asked: s.Asked, Offers: s.Offers, Hold: s.Hold, Turns: s.Turns, LastInboundAt: s.LastInboundAt,
		Consent: s.Consent, RecipientState: s.RecipientState, RecipientTZ: s.RecipientTZ, Urgent: s.Urgent,
		StaffFrom: s.StaffFrom, OptedOutFrom: s.OptedOutFrom, Notes: s.Notes, Deferred: s.Deferred, Appointments: s.Appointments,
	}
}

// handleGetConversation returns one conversation: transcript with delivery
// status, what its state knows, its appointments, pending timers and
// consent ledger, read from the store in one call
// (persistence.ConversationRecord) and, when the conversation's actor is
// in memory, with the actor's state.
// conversationReader reads the staff's read model of a conversation
// (persistence.Store has it; staff user names come from persistence.Users
// when the store has those too).
type conversationReader interface {
	ReadConversation(ctx context.Context, clinicID, leadID string, transcriptLimit int) (persistence.ConversationRecord, error)
}

func handleGetConversation(dir *directory.Directory, store conversationReader, live LiveState, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		clinicID, id := chi.URLParam(r, "clinic_id"), chi.URLParam(r, "conversation_id")
		if !messages.ValidToken(id) {
			Error(w, r, fmt.Errorf("%w: no such conversation", ErrNotFound))
			return
		}
		rec, err := store.ReadConversation(ctx, clinicID, id, transcriptLimit)
		if errors.Is(err, persistence.ErrNotFound) {
			Error(w, r, fmt.Errorf("%w: no such conversation", ErrNotFound))
			return
		}
		if err != nil {
			Error(w, r, fmt.Errorf("read conversation: %w", err))
			return
		}
		source := "snapshot"
		if live != nil {
			// The actor's state, when one is in memory, is at least as new
			// as the snapshot and says so.
			if st, v, ok := live(ctx, clinicID, id); ok && v >= rec.Snapshot.Version {
				rec.Snapshot.State, rec.Snapshot.Version, source = st, v, "actor"
			}
		}
		c, _ := dir.ByID(clinicID)
		out, err := detailOf(rec, c, source, now())
		if err != nil {
			Error(w, r, err)
			return
		}
		if out.StaffNames, err = nameStaff(ctx, store, out.Messages, out.Fields.Notes); err != nil {
			Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// detailOf is the staff's view of a conversation's record: the state's
// fields, the transcript, the lead's appointments on the clinic's
// calendar with the attendance the conversation recorded, the timers and
// the consent ledger with its state as the core reads it; now is the
// server's time, which says what attendance staff may record.
func detailOf(rec persistence.ConversationRecord, c *clinic.Clinic, source string, now time.Time) (conversationDetail, error) {
	snap := rec.Snapshot
	out := conversationDetail{
		ID: snap.LeadID, ClinicID: snap.ClinicID, Phone: snap.Phone, Name: snap.Name, Phase: snap.Phase,
		NeedsPerson: snap.Phase == phaseHandedOver, Version: snap.Version, CreatedAt: snap.CreatedAt, UpdatedAt: snap.UpdatedAt,
		Source: source, Messages: []transcriptMessage{}, Appointments: []appointmentView{}, Timers: []timerView{},
		Consent: consentView{Ledger: []consentEntry{}},
	}
	var s conversation.State
	if len(snap.State) > 0 {
		if err := json.Unmarshal(snap.State, &s); err != nil {
			return conversationDetail{}, fmt.Errorf("decode state: %w", err)
		}
	}
	out.Fields, out.Email = fieldsOf(s), s.Email
	if !s.UTM.Empty() {
		out.UTM = s.UTM
	}
	for _, e := range rec.Transcript {
		out.Messages = append(out.Messages, transcriptMessage{ID: e.ID, Direction: e.Direction, Author: e.Author, Text: e.Text, At: e.At, Status: e.Status})
	}
	cal, err := decodeCalendar(rec.Clinic.State)
	if err != nil {
		return conversationDetail{}, err
	}
	for _, a := range cal.Appointments {
		if a.LeadID != snap.LeadID {
			continue
		}
		if a.Attendance == "" {
			if x, ok := s.FindAppointment(a.ID); ok {
				a.Attendance = x.Attendance
			}
		}
		v := appointmentOf(c, a)
		if a.Status == clinic.StatusBooked {
			v.AttendanceNext = clinic.AttendanceChoices(a.Attendance, a.Start, now)
		}
		out.Appointments = append(out.Appointments, v)
	}
	for _, t := range rec.Timers {
		out.Timers = append(out.Timers, timerView{ID: t.ID, Kind: t.Kind, DueAt: t.DueAt})
	}
	for _, e := range rec.Consent {
		out.Consent.Ledger = append(out.Consent.Ledger, consentEntry{At: e.At, Kind: e.Kind, Source: e.Source})
	}
	out.Consent.State = persistence.Ledger(rec.Consent).State()
	return out, nil
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
	snap, err := store.LoadClinic(ctx, clinicID)
	if errors.Is(err, persistence.ErrNotFound) {
		return clinic.Calendar{}, nil
	}
	if err != nil {
		return clinic.Calendar{}, fmt.Errorf("load clinic calendar: %w", err)
	}
	return decodeCalendar(snap.State)
}

// decodeCalendar decodes a clinic actor's saved calendar (empty for no
// state), its appointments in order of start.
func decodeCalendar(state []byte) (clinic.Calendar, error) {
	var cal clinic.Calendar
	if len(state) == 0 {
		return cal, nil
	}
	if err := json.Unmarshal(state, &cal); err != nil {
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
	return appointmentView{Appointment: a, ProviderName: providerName(c, a.ProviderID)}
}
