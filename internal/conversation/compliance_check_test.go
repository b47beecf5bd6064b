package conversation

import (
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/messages"
)

// checkCompliance holds every decision to the messaging rules: nothing but
// the opt-out confirmation and HELP answers reaches an opted-out lead (and
// the opt-in confirmation, which ends the opt-out), the confirmation is
// sent once, on the way in, and no initiated text leaves outside the
// recipient's window.
func checkCompliance(t testing.TB, n int, c *clinic.Clinic, before, after State, effects []Effect, now time.Time) {
	t.Helper()
	for _, e := range effects {
		r, ok := e.(Reply)
		if !ok {
			continue
		}
		switch r.Keyword {
		case KeywordHelp:
		case KeywordOptOut:
			if before.Phase == PhaseOptedOut || after.Phase != PhaseOptedOut {
				t.Errorf("line %d: opt-out confirmation from %s to %s", n, before.Phase, after.Phase)
			}
		case KeywordOptIn:
			if before.Phase != PhaseOptedOut || after.Phase == PhaseOptedOut {
				t.Errorf("line %d: opt-in confirmation from %s to %s", n, before.Phase, after.Phase)
			}
		case "":
			if before.Phase == PhaseOptedOut || after.Phase == PhaseOptedOut {
				t.Errorf("line %d: text to an opted-out lead (%s -> %s): %q", n, before.Phase, after.Phase, r.Text)
			}
		default:
			t.Errorf("line %d: unknown keyword %q", n, r.Keyword)
		}
		if r.Purpose == messages.PurposeInitiated {
			rcpt := compliance.Recipient{Phone: after.Phone, State: after.RecipientState, TZ: after.RecipientTZ}
			if d := compliance.Check(r.Purpose, rcpt, c.Timezone, now, nil); !d.Allowed {
				t.Errorf("line %d: initiated text at %s outside the window (%s): %q", n, now.Format(time.RFC3339), d.Reason, r.Text)
			}
			if r.ClinicTZ != c.Timezone {
				t.Errorf("line %d: initiated text without the clinic's zone for the sender", n)
			}
		}
	}
	if after.Phase == PhaseOptedOut && len(Timers(after)) > 0 && after.Hold == nil {
		t.Errorf("line %d: opted out with timers %+v", n, Timers(after))
	}
}
