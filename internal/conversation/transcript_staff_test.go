package conversation

import (
	"strings"
	"testing"
	"time"

	"github.com/medspa/engine/messages"
)

// parseStaff reads "<type> user=U [appt=ID] [start=RFC3339]
// [purpose=P] [text=...]" into a staff action; text takes the rest of the
// line. A bare "staff" line is an envelope without its payload.
func parseStaff(t *testing.T, n int, line string) *messages.StaffAction {
	t.Helper()
	if line == "" {
		return nil
	}
	line, text, hasText := strings.Cut(line, " text=")
	fields := strings.Fields(line)
	if len(fields) == 0 {
		t.Fatalf("line %d: staff action without a type", n)
	}
	a := &messages.StaffAction{Type: fields[0]}
	if hasText {
		a.Text = text
	}
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "user":
			a.UserID = v
		case "appt":
			a.AppointmentID = v
		case "purpose":
			a.Purpose = v
		case "status":
			a.Status = v
		case "start":
			at, err := time.Parse(time.RFC3339, v)
			if err != nil {
				t.Fatalf("line %d: bad start: %v", n, err)
			}
			a.NewStart = at
		default:
			t.Fatalf("line %d: unknown staff field %q", n, k)
		}
	}
	return a
}

// completeStaff defaults the appointment of cancel_appointment and
// reschedule_appointment to the lead's latest.
func completeStaff(a *messages.StaffAction, s State) {
	switch a.Type {
	case messages.StaffCancelAppointment, messages.StaffRescheduleAppointment, messages.StaffAttendance:
		if k := len(s.Appointments); a.AppointmentID == "" && k > 0 {
			a.AppointmentID = s.Appointments[k-1].ID
		}
	}
}

// replyTags is the bracketed part of a reply line: keyword or purpose,
// and author.
func replyTags(e Reply) string {
	var tags []string
	switch {
	case e.Keyword != "":
		tags = append(tags, e.Keyword)
	case e.Purpose != messages.PurposeReply:
		tags = append(tags, string(e.Purpose))
	}
	if e.Author != "" {
		tags = append(tags, e.Author)
	}
	if len(tags) == 0 {
		return ""
	}
	return "[" + strings.Join(tags, ",") + "]"
}
