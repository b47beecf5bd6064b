package actors

import (
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/persistence"
)

// attendanceStages are the completed and no-show stages an appointment
// reached since b, its earlier record: staff recorded the visit.
func attendanceStages(a, b conversation.Appointment, now time.Time) []persistence.FunnelStage {
	if a.Attendance == b.Attendance {
		return nil
	}
	switch a.Attendance {
	case clinic.AttendanceCompleted:
		return []persistence.FunnelStage{{Stage: persistence.StageCompleted, At: now}}
	case clinic.AttendanceNoShow:
		return []persistence.FunnelStage{{Stage: persistence.StageNoShow, At: now}}
	}
	return nil
}
