package gateway

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/safetext"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// Bounds of a staff action.
const (
	maxActionBody = 16 << 10
	maxStaffSend  = 1600 // ten SMS segments
	maxStaffNote  = 4000
)

// actionRequest is the body of POST .../conversations/{id}/actions.
type actionRequest struct {
	Type          string     `json:"type"`
	Text          string     `json:"text,omitempty"`
	AppointmentID string     `json:"appointment_id,omitempty"`
	NewStart      *time.Time `json:"new_start,omitempty"`
}

// Valid names what is wrong with the request, field by field; now refuses
// a reschedule into the past. The text is checked as it will be sent or
// noted: without its control characters (the handler removes them).
func (a actionRequest) Valid(now time.Time) map[string]string {
	f := map[string]string{}
	if !messages.ValidStaffAction(a.Type) {
		f["type"] = "one of " + strings.Join(messages.StaffActionTypes, ", ")
		return f
	}
	needText := a.Type == messages.StaffSend || a.Type == messages.StaffNote
	needAppt := a.Type == messages.StaffCancelAppointment || a.Type == messages.StaffRescheduleAppointment
	text := safetext.Body(a.Text)
	switch {
	case needText && strings.TrimSpace(text) == "":
		f["text"] = "required for " + a.Type
	case !needText && text != "":
		f["text"] = "not used by " + a.Type
	case !utf8.ValidString(text):
		f["text"] = "not valid UTF-8"
	case a.Type == messages.StaffSend && utf8.RuneCountInString(text) > maxStaffSend:
		f["text"] = fmt.Sprintf("at most %d characters", maxStaffSend)
	case a.Type == messages.StaffNote && utf8.RuneCountInString(text) > maxStaffNote:
		f["text"] = fmt.Sprintf("at most %d characters", maxStaffNote)
	}
	switch {
	case needAppt && !messages.ValidToken(a.AppointmentID):
		f["appointment_id"] = "required for " + a.Type + ": an appointment id such as ap_0123456789abcdef"
	case !needAppt && a.AppointmentID != "":
		f["appointment_id"] = "not used by " + a.Type
	}
	switch {
	case a.Type == messages.StaffRescheduleAppointment && a.NewStart == nil:
		f["new_start"] = "required for " + a.Type + ": an RFC 3339 time"
	case a.Type == messages.StaffRescheduleAppointment && !a.NewStart.After(now):
		f["new_start"] = "must be in the future"
	case a.Type != messages.StaffRescheduleAppointment && a.NewStart != nil:
		f["new_start"] = "not used by " + a.Type
	}
	return f
}

type actionAccepted struct {
	ActionID string `json:"action_id"`
}

// handleAction publishes a staff action to the conversation's inbound
// subject as a KindStaff envelope, durably, and answers 202 with its id.
// The conversation applies it in order with the lead's messages; what it
// does shows in the transcript and the event stream.
func handleAction(store persistence.Store, pub Publisher, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, t := r.Context(), now()
		clinicID := chi.URLParam(r, "clinic_id")
		s, err := loadConversation(ctx, store, clinicID, chi.URLParam(r, "conversation_id"))
		if err != nil {
			Error(w, r, err)
			return
		}
		req, err := decodeRequest[actionRequest](w, r, actionBody, t, nil)
		if err != nil {
			Error(w, r, err)
			return
		}
		req.Text = safetext.Body(req.Text) // a text to send or note loses its control characters but newline and tab
		id, err := newActionID()
		if err != nil {
			Error(w, r, err)
			return
		}
		env := messages.Envelope{
			V: messages.Version, ID: id, Kind: messages.KindStaff, ClinicID: clinicID, LeadID: s.LeadID, Phone: s.Phone, Received: t,
			Staff: &messages.StaffAction{Type: req.Type, UserID: claimsFrom(ctx).Subject, UserName: claimsFrom(ctx).Name, Text: req.Text, AppointmentID: req.AppointmentID},
		}
		if req.NewStart != nil {
			env.Staff.NewStart = req.NewStart.UTC()
		}
		if err := env.Validate(); err != nil {
			Error(w, r, fmt.Errorf("staff envelope: %w", err))
			return
		}
		if err := publishStaff(ctx, pub, env, "staff action"); err != nil {
			Error(w, r, err)
			return
		}
		loggerFrom(ctx).LogAttrs(ctx, slog.LevelInfo, "staff action accepted", slog.String("clinic_id", clinicID),
			slog.String("lead_id", s.LeadID), slog.String("action_id", id), slog.String("type", req.Type))
		writeJSON(w, http.StatusAccepted, actionAccepted{ActionID: id})
	})
}

// publishStaff publishes env, a KindStaff envelope, on its conversation's
// inbound subject: nil once it is durable. what names it in errors.
func publishStaff(ctx context.Context, pub Publisher, env messages.Envelope, what string) error {
	data, err := env.Encode()
	if err != nil {
		return fmt.Errorf("encode %s: %w", what, err)
	}
	if err := pub.Publish(ctx, messages.InboundSubject(env.ClinicID, env.LeadID, messages.KindStaff), env.ID, data, env.Received); err != nil {
		return fmt.Errorf("%w: publish %s: %v", ErrUnavailable, what, err)
	}
	return nil
}

// actionBody is how the actions route reads its body.
var actionBody = bodyRules{limit: maxActionBody, strict: true,
	shape: "a JSON object with type and, as the type needs, text, appointment_id, new_start"}

// newActionID is "staff:" and a random (version 4) UUID.
func newActionID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("action id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("staff:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}
