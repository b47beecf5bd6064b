package actors

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// ConflictUser is the author of the note a schedule conflict leaves on a
// conversation.
const ConflictUser = "schedule"

// HandOffConflicts hands each conflict's conversation to staff with a note
// naming both the block (or external calendar event) and the appointment:
// it publishes a schedule_conflict action to the lead's inbound subject,
// so the lead's conversation applies it in order with its messages, and
// the message id (appointment and block) makes a repeated publish a
// duplicate. The appointment is never moved.
func (e *Engine) HandOffConflicts(ctx context.Context, clinicID string, conflicts []clinic.Conflict) error {
	c, _ := e.cfg.Clinics.ByID(clinicID)
	now := e.cfg.Now()
	for _, cf := range conflicts {
		id := "conflict:" + cf.Appointment.ID + ":" + cf.Block.ID
		env := messages.Envelope{V: messages.Version, ID: id, Kind: messages.KindStaff, ClinicID: clinicID, LeadID: cf.Appointment.LeadID,
			Received: now, Staff: &messages.StaffAction{Type: messages.StaffScheduleConflict, UserID: ConflictUser,
				Text: ConflictNote(c, cf), AppointmentID: cf.Appointment.ID}}
		if err := env.Validate(); err != nil {
			return fmt.Errorf("conflict envelope: %w", err)
		}
		data, err := env.Encode()
		if err != nil {
			return fmt.Errorf("encode conflict envelope: %w", err)
		}
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err = e.cfg.JS.Publish(pctx, messages.InboundSubject(clinicID, cf.Appointment.LeadID, messages.KindStaff), data, jetstream.WithMsgID(id))
		cancel()
		if err != nil {
			return fmt.Errorf("publish conflict of %s: %w", cf.Appointment.ID, err)
		}
	}
	return nil
}

// ConflictNote names both events of a conflict for staff: "Blocked time
// (Dr. Sarah Kim, Training) Tue Dec 8 1:00pm-5:00pm overlaps the held
// Botox Tue Dec 8 2:00pm-2:30pm with Dr. Sarah Kim (ap_...)".
func ConflictNote(c *clinic.Clinic, cf clinic.Conflict) string {
	loc := time.UTC
	if c != nil {
		loc = c.Location()
	}
	span := func(s, e time.Time) string {
		s, e = s.In(loc), e.In(loc)
		out := s.Format("Mon Jan 2 3:04pm") + "-"
		if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
			return out + e.Format("3:04pm")
		}
		return out + e.Format("Mon Jan 2 3:04pm")
	}
	b, a := cf.Block, cf.Appointment
	var who []string
	switch {
	case b.ProviderID != "":
		who = append(who, nameOr(c, b.ProviderID, true))
	case b.RoomID != "":
		who = append(who, nameOr(c, b.RoomID, false))
	default:
		who = append(who, "whole clinic")
	}
	what := "Blocked time"
	if b.Source == clinic.BlockCalendar {
		what = "Calendar event"
		if b.Summary != "" {
			who = append(who, fmt.Sprintf("%q", b.Summary))
		}
	} else if b.Reason != "" {
		who = append(who, b.Reason)
	}
	svc := a.ServiceID
	if c != nil {
		if s, ok := c.ServiceByID(a.ServiceID); ok {
			svc = s.Name
		}
	}
	appt := fmt.Sprintf("the %s %s %s", a.Status, svc, span(a.Start, a.End))
	if a.ProviderID != "" {
		appt += " with " + nameOr(c, a.ProviderID, true)
	}
	return fmt.Sprintf("%s (%s) %s overlaps %s (%s)", what, strings.Join(who, ", "), span(b.Start, b.End), appt, a.ID)
}

// nameOr is the name of a provider or room, or its id when the clinic no
// longer has it.
func nameOr(c *clinic.Clinic, id string, provider bool) string {
	if c == nil {
		return id
	}
	if provider {
		if p, ok := c.ProviderByID(id); ok {
			return p.Name
		}
		return id
	}
	if r, ok := c.RoomByID(id); ok {
		return r.Name
	}
	return id
}
