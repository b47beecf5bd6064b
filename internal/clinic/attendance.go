package clinic

import (
	"fmt"
	"time"
)

// AttendanceOpensBefore is how long before a visit's start staff may
// record its attendance.
const AttendanceOpensBefore = time.Hour

// ValidAttendance reports whether s is an attendance status.
func ValidAttendance(s string) bool {
	return s == AttendanceArrived || s == AttendanceCompleted || s == AttendanceNoShow
}

// AttendanceProblem says why a booked visit starting at start, recorded
// as from ("" for nothing yet), cannot be recorded as to at now; "" when
// it can, recording the same again among them (a retry). A visit is
// recorded from an hour before its start; arrived may become completed;
// a no-show may become arrived or completed (the patient came late after
// all); completed is final.
func AttendanceProblem(from, to string, start, now time.Time) string {
	switch {
	case !ValidAttendance(to):
		return "status is one of arrived, completed, no_show"
	case from == to:
		return ""
	case now.Before(start.Add(-AttendanceOpensBefore)):
		return "the visit has not started yet"
	}
	switch from {
	case "":
		return ""
	case AttendanceArrived:
		if to == AttendanceCompleted {
			return ""
		}
	case AttendanceNoShow:
		return ""
	}
	return fmt.Sprintf("the visit is recorded as %s; it cannot become %s", from, to)
}

// AttendanceChoices lists what staff may record next for a booked visit
// starting at start and recorded as from, at now: the statuses
// AttendanceProblem allows other than from itself, in the order a visit
// goes (arrived, completed, no-show). It is empty before the visit opens
// and after it is completed.
func AttendanceChoices(from string, start, now time.Time) []string {
	var out []string
	for _, to := range []string{AttendanceArrived, AttendanceCompleted, AttendanceNoShow} {
		if to != from && AttendanceProblem(from, to, start, now) == "" {
			out = append(out, to)
		}
	}
	return out
}
