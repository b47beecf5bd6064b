package gateway_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/twilio"
	"github.com/medspa/engine/messages"
)

const (
	twilioInboundPath = "/webhooks/twilio/messages"
	twilioStatusPath  = "/webhooks/twilio/status"
	inboundSid        = "SM1f0e8ae6ade43cb3c0ce4525424e404f"
	statusSid         = "SM2f1c4a9b0c3d4e5f60718293a4b5c6d7"
)

// twilioFixture returns a Twilio form body as Twilio sends it.
func twilioFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "twilio", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return bytes.TrimSpace(b)
}

// twilioSign returns the X-Twilio-Signature Twilio would send with body to
// the public URL of path.
func twilioSign(t *testing.T, token, path string, body []byte) string {
	t.Helper()
	params, err := url.ParseQuery(string(body))
	if err != nil {
		t.Fatalf("parse form: %v", err)
	}
	return twilio.Sign(token, publicBaseURL+path, params)
}

// postTwilio posts a form body with a signature header (none when sig is "").
func (e *env) postTwilio(path string, body []byte, sig string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set(twilio.HeaderSignature, sig)
	}
	return e.do(req)
}

// postTwilioSigned posts body signed like Twilio does.
func (e *env) postTwilioSigned(path string, body []byte) *http.Response {
	e.t.Helper()
	return e.postTwilio(path, body, twilioSign(e.t, twilioToken, path, body))
}

// wantTwiML checks a 200 answer with the empty TwiML.
func wantTwiML(t *testing.T, res *http.Response) {
	t.Helper()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/xml" {
		t.Errorf("Content-Type = %q, want text/xml", ct)
	}
	if string(body) != gateway.EmptyTwiML {
		t.Errorf("body = %q, want %q", body, gateway.EmptyTwiML)
	}
}

func TestTwilioInboundIsPublished(t *testing.T) {
	e := newEnv(t)
	wantTwiML(t, e.postTwilioSigned(twilioInboundPath, twilioFixture(t, "inbound-sms.form.txt")))

	if n := e.streamMsgs(); n != 1 {
		t.Fatalf("stream holds %d messages, want 1", n)
	}
	lead := messages.LeadID("clinic_a", twilioLeadNumber)
	m := e.storedMsg(1)
	if want := messages.InboundSubject("clinic_a", lead, messages.KindSMS); m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	if got := m.Header.Get(jetstream.MsgIDHeader); got != "twilio:"+inboundSid {
		t.Errorf("Nats-Msg-Id = %q", got)
	}
	got, err := messages.DecodeEnvelope(m.Data)
	if err != nil {
		t.Fatalf("decode envelope: %v", err)
	}
	got.Received = got.Received.UTC()
	want := messages.Envelope{
		V: messages.Version, ID: "twilio:" + inboundSid, Kind: messages.KindSMS,
		ClinicID: "clinic_a", LeadID: lead, Phone: twilioLeadNumber, Received: testNow,
		SMS: &messages.InboundSMS{
			Carrier: messages.CarrierTwilio, ProviderID: inboundSid,
			From: twilioLeadNumber, To: twilioClinicNumber, Text: "Do you have anything Saturday morning?",
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("envelope =\n%+v\nwant\n%+v", got, want)
	}
	if c := e.countFor("twilio", "accepted"); c != 1 {
		t.Errorf("accepted = %v, want 1", c)
	}
}

func TestTwilioInboundMedia(t *testing.T) {
	e := newEnv(t)
	body := bytes.Replace(twilioFixture(t, "inbound-sms.form.txt"), []byte("NumMedia=0"),
		[]byte("NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm%2F0&MediaContentType0=image%2Fjpeg&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2Fm%2F1"), 1)
	wantTwiML(t, e.postTwilioSigned(twilioInboundPath, body))
	env, err := messages.DecodeEnvelope(e.storedMsg(1).Data)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://api.twilio.com/m/0", "https://api.twilio.com/m/1"}; !reflect.DeepEqual(env.SMS.Media, want) {
		t.Errorf("media = %v, want %v", env.SMS.Media, want)
	}
}

func TestTwilioDuplicateStoredOnce(t *testing.T) {
	e := newEnv(t)
	body := twilioFixture(t, "inbound-sms.form.txt")
	wantTwiML(t, e.postTwilioSigned(twilioInboundPath, body))
	wantTwiML(t, e.postTwilioSigned(twilioInboundPath, body))
	if n := e.streamMsgs(); n != 1 {
		t.Fatalf("stream holds %d messages, want 1", n)
	}
	if c := e.countFor("twilio", "accepted"); c != 2 {
		t.Errorf("accepted = %v, want 2", c)
	}
}

func TestTwilioUnknownParamsAreSigned(t *testing.T) {
	e := newEnv(t)
	body := append(twilioFixture(t, "inbound-sms.form.txt"), "&AddOns=%7B%22status%22%3A%22successful%22%7D&NewParam="...)
	wantTwiML(t, e.postTwilioSigned(twilioInboundPath, body))
	if n := e.streamMsgs(); n != 1 {
		t.Fatalf("stream holds %d messages, want 1", n)
	}
}

func TestTwilioSignedURLKeepsQuery(t *testing.T) {
	e := newEnv(t)
	body := twilioFixture(t, "inbound-sms.form.txt")
	path := twilioInboundPath + "?src=sms&v=2"
	wantTwiML(t, e.postTwilio(path, body, twilioSign(t, twilioToken, path, body)))
	// The same signature does not hold without the query.
	e2 := newEnv(t)
	wantStatus(t, e2.postTwilio(twilioInboundPath, body, twilioSign(t, twilioToken, path, body)), http.StatusForbidden)
}

func TestTwilioSignatureRejected(t *testing.T) {
	body := twilioFixture(t, "inbound-sms.form.txt")
	tampered := bytes.Replace(body, []byte("Saturday"), []byte("Sunday"), 1)
	tests := []struct {
		name string
		path string
		body []byte
		sig  func(t *testing.T) string
	}{
		{"missing", twilioInboundPath, body, func(*testing.T) string { return "" }},
		{"garbage", twilioInboundPath, body, func(*testing.T) string { return "bm90IGEgc2lnbmF0dXJl" }},
		{"wrong token", twilioInboundPath, body, func(t *testing.T) string { return twilioSign(t, "other", twilioInboundPath, body) }},
		{"tampered param", twilioInboundPath, tampered, func(t *testing.T) string { return twilioSign(t, twilioToken, twilioInboundPath, body) }},
		{"dropped param", twilioInboundPath, bytes.Replace(body, []byte("&ApiVersion=2010-04-01"), nil, 1),
			func(t *testing.T) string { return twilioSign(t, twilioToken, twilioInboundPath, body) }},
		{"other route's URL", twilioStatusPath, body, func(t *testing.T) string { return twilioSign(t, twilioToken, twilioInboundPath, body) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			wantStatus(t, e.postTwilio(tt.path, tt.body, tt.sig(t)), http.StatusForbidden)
			if n := e.streamMsgs(); n != 0 {
				t.Fatalf("stream holds %d messages, want 0", n)
			}
			if c := e.countFor("twilio", "bad_signature"); c != 1 {
				t.Errorf("bad_signature = %v, want 1", c)
			}
		})
	}
}

func TestTwilioWithoutTokenRefused(t *testing.T) {
	e := newEnv(t, func(c *gateway.Config) { c.TwilioAuthToken = "" })
	body := twilioFixture(t, "inbound-sms.form.txt")
	wantStatus(t, e.postTwilio(twilioInboundPath, body, twilioSign(t, "", twilioInboundPath, body)), http.StatusInternalServerError)
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
}

func TestTwilioBadBody(t *testing.T) {
	body := twilioFixture(t, "inbound-sms.form.txt")
	tests := []struct {
		name      string
		body      []byte
		wantField string
	}{
		{"malformed form", []byte("Body=%zz&From=%2B13125550199"), ""},
		{"no MessageSid", bytes.Replace(body, []byte("&MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f"), nil, 1), "MessageSid"},
		{"bad From", bytes.Replace(body, []byte("From=%2B13125550199"), []byte("From=anonymous"), 1), "From"},
		{"no To", bytes.Replace(body, []byte("&To=%2B17735550101"), nil, 1), "To"},
		{"bad NumMedia", bytes.Replace(body, []byte("NumMedia=0"), []byte("NumMedia=x"), 1), "NumMedia"},
		{"missing media URL", bytes.Replace(body, []byte("NumMedia=0"), []byte("NumMedia=1"), 1), "MediaUrl0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			sig := "x"
			if _, err := url.ParseQuery(string(tt.body)); err == nil {
				sig = twilioSign(t, twilioToken, twilioInboundPath, tt.body)
			}
			p := wantStatus(t, e.postTwilio(twilioInboundPath, tt.body, sig), http.StatusBadRequest)
			if tt.wantField != "" {
				errs, _ := p["errors"].(map[string]any)
				if _, ok := errs[tt.wantField]; !ok {
					t.Errorf("problem errors = %v, want a message for %q", p["errors"], tt.wantField)
				}
			}
			if n := e.streamMsgs(); n != 0 {
				t.Fatalf("stream holds %d messages, want 0", n)
			}
			if c := e.countFor("twilio", "bad_request"); c != 1 {
				t.Errorf("bad_request = %v, want 1", c)
			}
		})
	}
}

func TestTwilioBodyTooLarge(t *testing.T) {
	e := newEnv(t)
	body := append([]byte("Body="), bytes.Repeat([]byte("x"), 1<<20)...)
	wantStatus(t, e.postTwilio(twilioInboundPath, body, "x"), http.StatusRequestEntityTooLarge)
}

func TestTwilioUnknownNumberAcknowledged(t *testing.T) {
	e := newEnv(t)
	body := bytes.Replace(twilioFixture(t, "inbound-sms.form.txt"), []byte("To=%2B17735550101"), []byte("To=%2B16465550199"), 1)
	wantTwiML(t, e.postTwilioSigned(twilioInboundPath, body))
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
	if c := e.countFor("twilio", "unknown_number"); c != 1 {
		t.Errorf("unknown_number = %v, want 1", c)
	}
}

func TestTwilioPublishFailureIs503(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	wantStatus(t, e.postTwilioSigned(twilioInboundPath, twilioFixture(t, "inbound-sms.form.txt")), http.StatusServiceUnavailable)
	if c := e.countFor("twilio", "publish_failed"); c != 1 {
		t.Errorf("publish_failed = %v, want 1", c)
	}
	if c := e.countFor("twilio", "accepted"); c != 0 {
		t.Errorf("accepted = %v, want 0", c)
	}
}

func TestTwilioStatusIsPublished(t *testing.T) {
	e := newEnv(t)
	wantTwiML(t, e.postTwilioSigned(twilioStatusPath, twilioFixture(t, "status-callback.form.txt")))
	failed := bytes.Replace(twilioFixture(t, "status-callback.form.txt"), []byte("MessageStatus=delivered"),
		[]byte("MessageStatus=undelivered&ErrorCode=30003"), 1)
	wantTwiML(t, e.postTwilioSigned(twilioStatusPath, failed))
	// A retry of the same status is stored once.
	wantTwiML(t, e.postTwilioSigned(twilioStatusPath, failed))
	if n := e.streamMsgs(); n != 2 {
		t.Fatalf("stream holds %d messages, want 2", n)
	}

	lead := messages.LeadID("clinic_a", twilioLeadNumber)
	for seq, rc := range map[uint64]messages.DeliveryReceipt{
		1: {Carrier: messages.CarrierTwilio, ProviderID: statusSid, Status: "delivered"},
		2: {Carrier: messages.CarrierTwilio, ProviderID: statusSid, Status: "undelivered", ErrorCode: "30003"},
	} {
		m := e.storedMsg(seq)
		if want := messages.InboundSubject("clinic_a", lead, messages.KindReceipt); m.Subject != want {
			t.Errorf("subject = %q, want %q", m.Subject, want)
		}
		got, err := messages.DecodeEnvelope(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		got.Received = got.Received.UTC()
		want := messages.Envelope{
			V: messages.Version, ID: "twilio-status:" + statusSid + ":" + rc.Status, Kind: messages.KindReceipt,
			ClinicID: "clinic_a", LeadID: lead, Phone: twilioLeadNumber, Received: testNow, Receipt: &rc,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("envelope %d =\n%+v\nwant\n%+v", seq, got, want)
		}
	}
}

func TestTwilioStatusRejectsAndIgnores(t *testing.T) {
	body := twilioFixture(t, "status-callback.form.txt")
	e := newEnv(t)
	wantStatus(t, e.postTwilio(twilioStatusPath, body, ""), http.StatusForbidden)
	noStatus := bytes.Replace(body, []byte("&MessageStatus=delivered"), nil, 1)
	p := wantStatus(t, e.postTwilioSigned(twilioStatusPath, noStatus), http.StatusBadRequest)
	if errs, _ := p["errors"].(map[string]any); errs["MessageStatus"] == nil {
		t.Errorf("problem errors = %v, want MessageStatus", p["errors"])
	}
	unknown := bytes.Replace(body, []byte("From=%2B17735550101"), []byte("From=%2B16465550199"), 1)
	wantTwiML(t, e.postTwilioSigned(twilioStatusPath, unknown))
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages, want 0", n)
	}
	for outcome, want := range map[string]float64{"bad_signature": 1, "bad_request": 1, "unknown_number": 1} {
		if c := e.countFor("twilio", outcome); c != want {
			t.Errorf("%s = %v, want %v", outcome, c, want)
		}
	}
}

func TestTwilioLogsHoldNoPhoneNumberOrText(t *testing.T) {
	e := newEnv(t)
	body := twilioFixture(t, "inbound-sms.form.txt")
	wantTwiML(t, e.postTwilioSigned(twilioInboundPath, body))
	wantStatus(t, e.postTwilio(twilioInboundPath, body, "bad"), http.StatusForbidden)
	e2 := newEnv(t, withPublisher(failingPublisher{}))
	wantStatus(t, e2.postTwilioSigned(twilioInboundPath, body), http.StatusServiceUnavailable)
	logs := e.logs.String() + e2.logs.String()
	if !strings.Contains(logs, `"route":"/webhooks/twilio/messages"`) {
		t.Fatalf("no access log line: %s", logs)
	}
	for _, secret := range []string{"5550199", "5550101", "Saturday"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
}
