package gateway_test

import (
	"bytes"
	"crypto/ed25519"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/messages"
)

const hangupID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"

// postVoice posts body signed with key at ts to the Telnyx voice webhook.
func (e *env) postVoice(body []byte, key ed25519.PrivateKey, ts time.Time) *http.Response {
	e.t.Helper()
	return e.do(gateway.SignedTelnyx(e.t, e.srv.URL+"/webhooks/telnyx/voice", body, key, ts))
}

func hangup(t *testing.T, cause string) []byte {
	t.Helper()
	return bytes.Replace(fixture(t, "call.hangup.json"), []byte(`"hangup_cause": "timeout"`), []byte(`"hangup_cause": "`+cause+`"`), 1)
}

func TestTelnyxMissedCallCauses(t *testing.T) {
	tests := []struct {
		cause  string
		missed bool
	}{
		{"no_answer", true},
		{"timeout", true},
		{"user_busy", true},
		{"originator_cancel", true},
		{"call_rejected", true},
		{"unallocated_number", true},
		{"normal_clearing", false},
		{"time_limit", false},
		{"unspecified", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.cause, func(t *testing.T) {
			e := newEnv(t)
			m := wantStatus(t, e.postVoice(hangup(t, tt.cause), e.priv, testNow), http.StatusOK)
			if !tt.missed {
				if m["status"] != "ignored" || e.streamMsgs() != 0 || e.count("ignored") != 1 {
					t.Fatalf("body %v, %d stored, ignored = %v; want ignored, nothing stored", m, e.streamMsgs(), e.count("ignored"))
				}
				return
			}
			if m["status"] != "accepted" {
				t.Errorf("body = %v", m)
			}
			if n := e.streamMsgs(); n != 1 {
				t.Fatalf("stream holds %d messages, want 1", n)
			}
			lead := messages.LeadID("clinic_a", leadNumber)
			sm := e.storedMsg(1)
			if want := messages.InboundSubject("clinic_a", lead, messages.KindMissed); sm.Subject != want {
				t.Errorf("subject = %q, want %q", sm.Subject, want)
			}
			if got := sm.Header.Get(jetstream.MsgIDHeader); got != "telnyx:"+hangupID {
				t.Errorf("Nats-Msg-Id = %q", got)
			}
			got, err := messages.DecodeEnvelope(sm.Data)
			if err != nil {
				t.Fatal(err)
			}
			got.Received = got.Received.UTC()
			want := messages.Envelope{
				V: messages.Version, ID: "telnyx:" + hangupID, Kind: messages.KindMissed,
				ClinicID: "clinic_a", LeadID: lead, Phone: leadNumber, Received: testNow,
				Missed: &messages.MissedCall{Carrier: messages.CarrierTelnyx, From: leadNumber, To: clinicNumber, Cause: tt.cause},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("envelope =\n%+v\nwant\n%+v", got, want)
			}
			if c := e.count("accepted"); c != 1 {
				t.Errorf("accepted = %v, want 1", c)
			}
		})
	}
}

func TestTelnyxVoiceIgnored(t *testing.T) {
	tests := map[string][]byte{
		"outgoing call":   bytes.Replace(fixture(t, "call.hangup.json"), []byte(`"direction": "incoming"`), []byte(`"direction": "outgoing"`), 1),
		"other event":     bytes.Replace(fixture(t, "call.hangup.json"), []byte(`"event_type": "call.hangup"`), []byte(`"event_type": "call.initiated"`), 1),
		"withheld caller": bytes.Replace(fixture(t, "call.hangup.json"), []byte(`"from": "+13125550123"`), []byte(`"from": "anonymous"`), 1),
		"message event":   fixture(t, "message.received.json"),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			m := wantStatus(t, e.postVoice(body, e.priv, testNow), http.StatusOK)
			if m["status"] != "ignored" || e.streamMsgs() != 0 || e.count("ignored") != 1 {
				t.Fatalf("body %v, %d stored, ignored = %v; want ignored, nothing stored", m, e.streamMsgs(), e.count("ignored"))
			}
		})
	}
}

func TestTelnyxVoiceDuplicateStoredOnce(t *testing.T) {
	e := newEnv(t)
	wantStatus(t, e.postVoice(fixture(t, "call.hangup.json"), e.priv, testNow), http.StatusOK)
	wantStatus(t, e.postVoice(fixture(t, "call.hangup.json"), e.priv, testNow), http.StatusOK)
	if n := e.streamMsgs(); n != 1 {
		t.Fatalf("stream holds %d messages, want 1", n)
	}
}

func TestTelnyxVoiceRejects(t *testing.T) {
	e := newEnv(t)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	wantStatus(t, e.postVoice(fixture(t, "call.hangup.json"), other, testNow), http.StatusUnauthorized)
	wantStatus(t, e.postVoice(fixture(t, "call.hangup.json"), e.priv, testNow.Add(-time.Hour)), http.StatusUnauthorized)
	wantStatus(t, e.postVoice([]byte(`{"data":`), e.priv, testNow), http.StatusBadRequest)
	badTo := bytes.Replace(fixture(t, "call.hangup.json"), []byte(`"to": "+17735550100"`), []byte(`"to": "sip:clinic"`), 1)
	p := wantStatus(t, e.postVoice(badTo, e.priv, testNow), http.StatusBadRequest)
	if errs, _ := p["errors"].(map[string]any); errs["data.payload.to"] == nil {
		t.Errorf("problem errors = %v, want data.payload.to", p["errors"])
	}
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
	if c := e.count("bad_signature"); c != 2 {
		t.Errorf("bad_signature = %v, want 2", c)
	}
	if c := e.count("bad_request"); c != 2 {
		t.Errorf("bad_request = %v, want 2", c)
	}
}

func TestTelnyxVoiceUnknownNumberAndPublishFailure(t *testing.T) {
	e := newEnv(t)
	body := bytes.ReplaceAll(fixture(t, "call.hangup.json"), []byte(clinicNumber), []byte("+16465550199"))
	m := wantStatus(t, e.postVoice(body, e.priv, testNow), http.StatusOK)
	if m["status"] != "unknown_number" || e.streamMsgs() != 0 || e.count("unknown_number") != 1 {
		t.Fatalf("body %v, %d stored; want unknown_number, nothing stored", m, e.streamMsgs())
	}
	f := newEnv(t, withPublisher(failingPublisher{}))
	wantStatus(t, f.postVoice(fixture(t, "call.hangup.json"), f.priv, testNow), http.StatusServiceUnavailable)
	if c := f.count("publish_failed"); c != 1 {
		t.Errorf("publish_failed = %v, want 1", c)
	}
}
