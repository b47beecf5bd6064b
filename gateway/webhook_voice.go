package gateway

import (
	"crypto/ed25519"
	"net/http"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
)

// handleTelnyxVoice receives Telnyx call-control webhooks, verified like the
// messaging ones. An incoming call that nobody answered becomes a KindMissed
// envelope, published durably before the 200; every other event is
// acknowledged and counted as ignored. How often a caller is texted back,
// and whether at all, is the conversation's decision.
func handleTelnyxVoice(key ed25519.PublicKey, dir *directory.Directory, pub Publisher, m *Metrics, now func() time.Time) http.Handler {
	return telnyxHook(key, pub, m, now, telnyx.ParseCall, func(call telnyx.Call, at time.Time) (messages.Envelope, string) {
		mc := call.Missed
		if mc == nil {
			return messages.Envelope{}, OutcomeIgnored
		}
		c, found := dir.ByNumber(mc.To)
		if !found {
			return messages.Envelope{}, OutcomeUnknownNumber
		}
		return messages.Envelope{
			V: messages.Version, ID: "telnyx:" + call.ID, Kind: messages.KindMissed,
			ClinicID: c.ID, LeadID: messages.LeadID(c.ID, mc.From), Phone: mc.From, Received: at,
			Missed: &messages.MissedCall{Carrier: messages.CarrierTelnyx, From: mc.From, To: mc.To, Cause: mc.Cause},
		}, ""
	})
}
