package gateway_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
)

// storedMsg returns the stream's message at seq.
func (e *env) storedMsg(seq uint64) *jetstream.RawStreamMsg {
	e.t.Helper()
	m, err := e.stream.GetMsg(context.Background(), seq)
	if err != nil {
		e.t.Fatalf("get msg %d: %v", seq, err)
	}
	return m
}

func TestTelnyxInboundIsPublishedOnce(t *testing.T) {
	e := newEnv(t)
	res := e.postTelnyx(fixture(t, "message.received.json"), e.priv, testNow)
	wantStatus(t, res, http.StatusOK)

	if n := e.streamMsgs(); n != 1 {
		t.Fatalf("stream holds %d messages, want 1", n)
	}
	lead := messages.LeadID("clinic_a", leadNumber)
	m := e.storedMsg(1)
	if want := messages.InboundSubject("clinic_a", lead, messages.KindSMS); m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	if got, want := m.Header.Get(jetstream.MsgIDHeader), "telnyx:b301ed3f-1490-491f-995f-6e64e69674d4"; got != want {
		t.Errorf("Nats-Msg-Id = %q, want %q", got, want)
	}
	if got, want := m.Header.Get(messages.HeaderOrigin), testNow.Format(time.RFC3339Nano); got != want {
		t.Errorf("origin = %q, want %q", got, want)
	}
	got, err := messages.DecodeEnvelope(m.Data)
	if err != nil {
		t.Fatalf("decode envelope: %v", err)
	}
	want := messages.Envelope{
		V: messages.Version, ID: "telnyx:b301ed3f-1490-491f-995f-6e64e69674d4", Kind: messages.KindSMS,
		ClinicID: "clinic_a", LeadID: lead, Phone: leadNumber, Received: testNow,
		SMS: &messages.InboundSMS{
			Carrier: messages.CarrierTelnyx, ProviderID: "84cca175-9755-4859-b67f-4730d7f58aa3",
			From: leadNumber, To: clinicNumber,
			Text: "Hi! How much is Botox? Could I come in Friday afternoon?",
		},
	}
	got.Received = got.Received.UTC()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("envelope =\n%+v\nwant\n%+v", got, want)
	}
	if c := e.count("accepted"); c != 1 {
		t.Errorf("accepted = %v, want 1", c)
	}
}

func TestTelnyxReceiptIsPublished(t *testing.T) {
	e := newEnv(t)
	body := bytes.Replace(fixture(t, "message.finalized.json"),
		[]byte(`"errors": []`), []byte(`"errors": [{"code": "40300", "title": "Blocked"}, {"code": "40001"}]`), 1)
	body = bytes.Replace(body, []byte(`"status": "delivered"`), []byte(`"status": "delivery_failed"`), 1)
	wantStatus(t, e.postTelnyx(body, e.priv, testNow), http.StatusOK)

	lead := messages.LeadID("clinic_a", leadNumber)
	m := e.storedMsg(1)
	if want := messages.InboundSubject("clinic_a", lead, messages.KindReceipt); m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	got, err := messages.DecodeEnvelope(m.Data)
	if err != nil {
		t.Fatalf("decode envelope: %v", err)
	}
	wantRc := messages.DeliveryReceipt{
		Carrier: messages.CarrierTelnyx, ProviderID: "40385f64-5717-4562-b3fc-2c963f66afa6",
		Status: "delivery_failed", ErrorCode: "40300",
	}
	if got.ID != "telnyx:4ee8c3a6-4995-4309-a3c6-38e3db9ea4be" || got.Kind != messages.KindReceipt ||
		got.ClinicID != "clinic_a" || got.LeadID != lead || got.Phone != leadNumber ||
		got.Receipt == nil || *got.Receipt != wantRc || got.SMS != nil {
		t.Errorf("envelope = %+v receipt %+v", got, got.Receipt)
	}
}

func TestTelnyxDuplicateWebhookStoredOnce(t *testing.T) {
	e := newEnv(t)
	body := fixture(t, "message.received.json")
	wantStatus(t, e.postTelnyx(body, e.priv, testNow), http.StatusOK)
	// The retry is signed anew, a little later, as Telnyx does.
	wantStatus(t, e.postTelnyx(body, e.priv, testNow.Add(30*time.Second)), http.StatusOK)
	if n := e.streamMsgs(); n != 1 {
		t.Fatalf("stream holds %d messages, want 1", n)
	}
}

func TestTelnyxSignatureRejected(t *testing.T) {
	body := fixture(t, "message.received.json")
	_, otherKey, _ := ed25519.GenerateKey(nil)
	tests := []struct {
		name   string
		header func(e *env, req *http.Request)
	}{
		{"wrong key", func(e *env, req *http.Request) {
			req.Header.Set(telnyx.HeaderSignature, telnyx.Sign(otherKey, req.Header.Get(telnyx.HeaderTimestamp), body))
		}},
		{"stale timestamp", func(e *env, req *http.Request) {
			ts := strconv.FormatInt(testNow.Add(-10*time.Minute).Unix(), 10)
			req.Header.Set(telnyx.HeaderTimestamp, ts)
			req.Header.Set(telnyx.HeaderSignature, telnyx.Sign(e.priv, ts, body))
		}},
		{"signature of another timestamp", func(e *env, req *http.Request) {
			req.Header.Set(telnyx.HeaderTimestamp, strconv.FormatInt(testNow.Unix()+1, 10))
		}},
		{"no signature", func(e *env, req *http.Request) { req.Header.Del(telnyx.HeaderSignature) }},
		{"no timestamp", func(e *env, req *http.Request) { req.Header.Del(telnyx.HeaderTimestamp) }},
		{"garbage signature", func(e *env, req *http.Request) { req.Header.Set(telnyx.HeaderSignature, "not base64") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			ts := strconv.FormatInt(testNow.Unix(), 10)
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/webhooks/telnyx/messages", bytes.NewReader(body))
			req.Header.Set(telnyx.HeaderTimestamp, ts)
			req.Header.Set(telnyx.HeaderSignature, telnyx.Sign(e.priv, ts, body))
			tt.header(e, req)
			wantStatus(t, e.do(req), http.StatusUnauthorized)
			if n := e.streamMsgs(); n != 0 {
				t.Fatalf("stream holds %d messages, want 0", n)
			}
			if c := e.count("bad_signature"); c != 1 {
				t.Errorf("bad_signature = %v, want 1", c)
			}
		})
	}
}

func TestTelnyxTamperedBodyRejected(t *testing.T) {
	e := newEnv(t)
	body := fixture(t, "message.received.json")
	ts := strconv.FormatInt(testNow.Unix(), 10)
	sig := telnyx.Sign(e.priv, ts, body)
	tampered := bytes.Replace(body, []byte("Friday"), []byte("Monday"), 1)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/webhooks/telnyx/messages", bytes.NewReader(tampered))
	req.Header.Set(telnyx.HeaderTimestamp, ts)
	req.Header.Set(telnyx.HeaderSignature, sig)
	wantStatus(t, e.do(req), http.StatusUnauthorized)
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
}

func TestTelnyxBadBody(t *testing.T) {
	received := fixture(t, "message.received.json")
	tests := []struct {
		name      string
		body      []byte
		wantField string // a key of the problem's errors map, if any
	}{
		{"malformed JSON", []byte(`{"data": {"event_type": "message.received",`), ""},
		{"not an object", []byte(`[1, 2, 3]`), ""},
		{"no data", []byte(`{"meta": {}}`), "data"},
		{"no event id", bytes.Replace(received, []byte(`"id": "b301ed3f-1490-491f-995f-6e64e69674d4"`), []byte(`"id": ""`), 1), "data.id"},
		{"no sender", bytes.Replace(received, []byte(`"phone_number": "+13125550123"`), []byte(`"phone_number": "call me"`), 1), "data.payload.from.phone_number"},
		{"no recipients", bytes.Replace(received, []byte(`"to": [`), []byte(`"to": [], "old_to": [`), 1), "data.payload.to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			p := wantStatus(t, e.postTelnyx(tt.body, e.priv, testNow), http.StatusBadRequest)
			if tt.wantField != "" {
				errs, _ := p["errors"].(map[string]any)
				if _, ok := errs[tt.wantField]; !ok {
					t.Errorf("problem errors = %v, want a message for %q", p["errors"], tt.wantField)
				}
			}
			if n := e.streamMsgs(); n != 0 {
				t.Fatalf("stream holds %d messages, want 0", n)
			}
			if c := e.count("bad_request"); c != 1 {
				t.Errorf("bad_request = %v, want 1", c)
			}
		})
	}
}

func TestTelnyxUnknownNumberAcknowledged(t *testing.T) {
	e := newEnv(t)
	body := bytes.ReplaceAll(fixture(t, "message.received.json"), []byte(clinicNumber), []byte("+16465550199"))
	m := wantStatus(t, e.postTelnyx(body, e.priv, testNow), http.StatusOK)
	if m["status"] != "unknown_number" {
		t.Errorf("body = %v", m)
	}
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
	if c := e.count("unknown_number"); c != 1 {
		t.Errorf("unknown_number = %v, want 1", c)
	}
}

func TestTelnyxClinicFoundInAnyRecipient(t *testing.T) {
	e := newEnv(t)
	body := bytes.Replace(fixture(t, "message.received.json"), []byte(`"to": [`),
		[]byte(`"to": [{"phone_number": "+16465550199", "status": "webhook_delivered"}, `), 1)
	wantStatus(t, e.postTelnyx(body, e.priv, testNow), http.StatusOK)
	env, err := messages.DecodeEnvelope(e.storedMsg(1).Data)
	if err != nil {
		t.Fatal(err)
	}
	if env.ClinicID != "clinic_a" || env.SMS.To != clinicNumber {
		t.Errorf("clinic %q to %q, want clinic_a %s", env.ClinicID, env.SMS.To, clinicNumber)
	}
}

func TestTelnyxOtherEventsIgnored(t *testing.T) {
	e := newEnv(t)
	wantStatus(t, e.postTelnyx(fixture(t, "call.hangup.json"), e.priv, testNow), http.StatusOK)
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
	if c := e.count("ignored"); c != 1 {
		t.Errorf("ignored = %v, want 1", c)
	}
}

func TestTelnyxBodyTooLarge(t *testing.T) {
	e := newEnv(t)
	body := append([]byte(`{"pad":"`), bytes.Repeat([]byte("x"), 1<<20)...)
	body = append(body, `"}`...)
	wantStatus(t, e.postTelnyx(body, e.priv, testNow), http.StatusRequestEntityTooLarge)
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
}

func TestTelnyxPublishFailureIs503(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	wantStatus(t, e.postTelnyx(fixture(t, "message.received.json"), e.priv, testNow), http.StatusServiceUnavailable)
	if c := e.count("publish_failed"); c != 1 {
		t.Errorf("publish_failed = %v, want 1", c)
	}
	if c := e.count("accepted"); c != 0 {
		t.Errorf("accepted = %v, want 0", c)
	}
	if !strings.Contains(e.logs.String(), "no responders") {
		t.Errorf("the publish error is not logged: %s", e.logs.String())
	}
}

func TestLogsHoldNoPhoneNumberOrText(t *testing.T) {
	e := newEnv(t)
	body := fixture(t, "message.received.json")
	wantStatus(t, e.postTelnyx(body, e.priv, testNow), http.StatusOK)
	bad := bytes.Replace(body, []byte(`"type": "SMS"`), []byte(`"type": `), 1)
	wantStatus(t, e.postTelnyx(bad, e.priv, testNow), http.StatusBadRequest)
	wantStatus(t, e.get("/v1/clinics/clinic_a/conversations?phone=%2B13125550123", ""), http.StatusUnauthorized)

	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"/webhooks/telnyx/messages"`) {
		t.Fatalf("no access log line: %s", logs)
	}
	for _, secret := range []string{"5550123", "Botox", "Friday"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(logs, "\n", 2)[0]), &line); err != nil || line["request_id"] == nil {
		t.Errorf("log line without request_id: %v %v", line, err)
	}
}
