package twilio_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/medspa/engine/internal/twilio"
)

func FuzzVerify(f *testing.F) {
	f.Add("https://sms.example.com/webhooks/twilio/messages", "Body=hi&From=%2B13125550199", docSig)
	f.Add("", "", "")
	f.Add(docURL, "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212", docSig)
	f.Fuzz(func(t *testing.T, u, form, sig string) {
		params, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		// The right signature always verifies.
		good := twilio.Sign(docToken, u, params)
		if err := twilio.Verify(docToken, u, params, good); err != nil {
			t.Fatalf("Verify(Sign) = %v", err)
		}
		// Anything else accepted must be the per-occurrence form, which
		// differs only when a value repeats.
		if twilio.Verify(docToken, u, params, sig) == nil && good != strings.TrimSpace(sig) && !repeats(params) {
			t.Fatalf("accepted %q, the signature is %q", sig, good)
		}
		// A changed URL is never accepted with the old signature.
		if twilio.Verify(docToken, u+"x", params, good) == nil {
			t.Fatalf("signature of %q accepted for %q", u, u+"x")
		}
	})
}

func repeats(p url.Values) bool {
	for _, vs := range p {
		seen := map[string]bool{}
		for _, v := range vs {
			if seen[v] {
				return true
			}
			seen[v] = true
		}
	}
	return false
}
