package compliance

import (
	"testing"
	"time"
)

func TestConsent(t *testing.T) {
	t0 := time.Date(2026, 1, 14, 10, 0, 0, 0, time.UTC)
	var c Consent
	if c.OptedOut() {
		t.Fatal("empty ledger opted out")
	}
	c1 := c.Apply(ConsentEvent{At: t0, Kind: ConsentGranted, Source: SourceWebForm})
	c2 := c1.Apply(ConsentEvent{At: t0.Add(time.Hour), Kind: ConsentRevoked, Source: SourceInboundText, Text: "STOP"})
	if c1.OptedOut() || !c2.OptedOut() {
		t.Fatalf("granted then revoked: %v, %v", c1.OptedOut(), c2.OptedOut())
	}
	if len(c1.Events) != 1 || len(c2.Events) != 2 {
		t.Fatal("Apply changed the ledger it was called on")
	}
	c3 := c2.Apply(ConsentEvent{At: t0.Add(2 * time.Hour), Kind: ConsentRegranted, Source: SourceInboundText, Text: "START"})
	if c3.OptedOut() {
		t.Fatal("regranted still opted out")
	}
	// Out-of-order arrival: a carrier opt-out stamped later wins.
	c4 := c3.Apply(ConsentEvent{At: t0.Add(3 * time.Hour), Kind: ConsentRevoked, Source: SourceCarrier}).
		Apply(ConsentEvent{At: t0.Add(90 * time.Minute), Kind: ConsentGranted, Source: SourceStaff})
	if !c4.OptedOut() {
		t.Fatal("an older grant overrode a newer revocation")
	}
	if c5 := c4.Apply(ConsentEvent{At: t0.Add(4 * time.Hour), Kind: "typo"}); !c5.OptedOut() {
		t.Fatal("unknown kind changed consent")
	}
	if c6 := c4.Apply(ConsentEvent{At: t0.Add(3 * time.Hour), Kind: ConsentRegranted}); c6.OptedOut() {
		t.Fatal("equal time: the later applied should win")
	}
}

func TestCarrierCodesAndStatuses(t *testing.T) {
	for code, want := range map[string]bool{"40300": true, "21610": true, "": false, "40001": false, "21611": false} {
		if got := CarrierOptOut(code); got != want {
			t.Errorf("CarrierOptOut(%q) = %v, want %v", code, got, want)
		}
	}
	for status, want := range map[string]bool{"sending_failed": true, "delivery_failed": true, "failed": true,
		"undelivered": true, "delivered": false, "sent": false, "queued": false, "": false} {
		if got := FailedStatus(status); got != want {
			t.Errorf("FailedStatus(%q) = %v, want %v", status, got, want)
		}
	}
}
