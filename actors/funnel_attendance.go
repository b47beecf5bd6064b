package actors

import (
	"time"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/persistence"
)

// attendanceStages are the completed and no-show stages an appointment
// reached since b, its earlier record.
func attendanceStages(a, b conversation.Appointment, now time.Time) []persistence.FunnelStage {
	return nil
}
