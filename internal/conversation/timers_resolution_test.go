package conversation

import (
	"testing"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// Stores keep times to the microsecond; a timer read back from a store
// still fires for the state that set it with a nanosecond due time.
func TestTimerFiresWithStoreResolution(t *testing.T) {
	c := &clinic.Demo()[0]
	until := time.Date(2026, 11, 20, 18, 25, 0, 123456789, time.UTC)
	s := State{ClinicID: c.ID, LeadID: "ld_test", Phone: "+13125550123", ClinicNumber: c.PhoneNumbers[0], Carrier: messages.CarrierTelnyx,
		Phase: PhaseHeld, Consent: "inbound_text", Hold: &Hold{AppointmentID: "ap_1", ServiceID: "botox", Start: until.Add(24 * time.Hour), End: until.Add(25 * time.Hour), Until: until}}
	in := messages.Envelope{V: messages.Version, ID: "timer:x", Kind: messages.KindTimer, ClinicID: c.ID, LeadID: "ld_test", Received: until,
		Timer: &messages.TimerFired{Name: TimerHoldExpiry, Due: until.Truncate(time.Microsecond)}}
	next, _, err := DecideWith(s, Env{Clinic: c}, in, until.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if next.Hold != nil {
		t.Fatalf("hold still there after its expiry timer fired: phase %s", next.Phase)
	}
}
