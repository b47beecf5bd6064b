package gateway_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
)

// Text from outside is checked at the edge, at every entry point: a message
// body loses its control characters but newline and tab (a NUL would make
// every later write of the conversation fail on Postgres); a name, the
// consent wording and the settings are refused with 400 naming the field.

// dirty is a body with a NUL, an escape sequence, a bell, a CRLF and a tab;
// clean is what is kept of it.
const (
	dirty = "Hi!\x00 Is\x1b[2J Friday\a ok?\r\nThanks\tJo"
	clean = "Hi! Is[2J Friday ok?\nThanks\tJo"
)

func TestTelnyxTextLosesControlCharacters(t *testing.T) {
	e := newEnv(t)
	body := bytes.Replace(fixture(t, "message.received.json"),
		[]byte(`"text": "Hi! How much is Botox? Could I come in Friday afternoon?"`),
		[]byte(`"text": "Hi!\u0000 Is\u001b[2J Friday\u0007 ok?\r\nThanks\tJo"`), 1)
	wantStatus(t, e.postTelnyx(body, e.priv, testNow), http.StatusOK)
	env, err := messages.DecodeEnvelope(e.storedMsg(1).Data)
	if err != nil {
		t.Fatal(err)
	}
	if env.SMS == nil || env.SMS.Text != clean {
		t.Errorf("text = %+v, want %q", env.SMS, clean)
	}
}

func TestTwilioBodyLosesControlCharacters(t *testing.T) {
	e := newEnv(t)
	body := bytes.Replace(twilioFixture(t, "inbound-sms.form.txt"),
		[]byte("Body=Do+you+have+anything+Saturday+morning%3F"),
		[]byte("Body=Hi%21%00+Is%1B%5B2J+Friday%07+ok%3F%0D%0AThanks%09Jo"), 1)
	wantTwiML(t, e.postTwilioSigned(twilioInboundPath, body))
	env, err := messages.DecodeEnvelope(e.storedMsg(1).Data)
	if err != nil {
		t.Fatal(err)
	}
	if env.SMS == nil || env.SMS.Text != clean {
		t.Errorf("text = %+v, want %q", env.SMS, clean)
	}
}

func TestWebLeadMessageLosesControlCharacters(t *testing.T) {
	e := newEnv(t)
	lead := withLead("message", dirty)
	lead["consent_text"] = "I agree to receive texts.\nReply STOP to opt out.\r\n\tGlow Chicago"
	wantStatus(t, e.postLead(lead), http.StatusAccepted)
	env, err := messages.DecodeEnvelope(e.storedMsg(1).Data)
	if err != nil {
		t.Fatal(err)
	}
	if env.Web == nil || env.Web.Message != clean {
		t.Errorf("web lead = %+v, want message %q", env.Web, clean)
	}
}

func TestWebLeadRefusesControlCharactersInNamesAndConsent(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ field, value string }{
		{"name", "Dana\x00 Whitfield"},
		{"name", "Dana \x1b[31mWhitfield"},
		{"name", "Dana\nWhitfield"},
		{"service", "Botox\x00"},
		{"email", "dana\x1b@example.com"},
		{"consent_text", "I agree\x00 to receive texts."},
		{"consent_text", "I agree\x1b[8m to receive texts."},
	} {
		p := wantStatus(t, e.postLead(withLead(tc.field, tc.value)), http.StatusBadRequest)
		if errs, _ := p["errors"].(map[string]any); errs[tc.field] == nil {
			t.Errorf("%s = %q: problem %v does not name the field", tc.field, tc.value, p)
		}
	}
	if n := e.streamMsgs(); n != 0 {
		t.Errorf("refused leads published %d messages", n)
	}
}

func TestStaffSendAndNoteLoseControlCharacters(t *testing.T) {
	s := newSurface(t)
	path := "/v1/clinics/clinic_a/conversations/" + inboxLead(0) + "/actions"
	tok := s.token("staff", "clinic_a")
	for i, typ := range []string{"send", "note"} {
		wantStatus(t, s.post(path, tok, `{"type":"`+typ+`","text":"Hi!\u0000 Is\u001b[2J Friday\u0007 ok?\r\nThanks\tJo"}`), http.StatusAccepted)
		msg, err := s.stream.GetMsg(context.Background(), uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		env, err := messages.DecodeEnvelope(msg.Data)
		if err != nil {
			t.Fatal(err)
		}
		if env.Staff == nil || env.Staff.Type != typ || env.Staff.Text != clean {
			t.Errorf("%s: staff action = %+v, want text %q", typ, env.Staff, clean)
		}
		// A text of nothing but control characters is no text.
		p := wantStatus(t, s.post(path, tok, `{"type":"`+typ+`","text":"\u0000\u001b\u0007"}`), http.StatusBadRequest)
		if errs, _ := p["errors"].(map[string]any); errs["text"] == nil {
			t.Errorf("%s of control characters only: problem %v does not name text", typ, p)
		}
	}
	if n := s.streamMsgs(); n != 2 {
		t.Errorf("stream holds %d messages, want 2", n)
	}
}

func TestSettingsRefuseControlCharacters(t *testing.T) {
	e, actor := settingsEnv(t)
	mgr := e.token("manager", "clinic_a")
	svc := func(f func(*clinic.Service)) func(*clinic.Clinic) {
		return func(c *clinic.Clinic) { f(&c.Services[0]) }
	}
	for _, tc := range []struct {
		name  string
		edit  func(*clinic.Clinic)
		field string
	}{
		{"NUL in the name", func(c *clinic.Clinic) { c.Name = "Glow\x00 Chicago" }, "clinic.name"},
		{"escape in the name", func(c *clinic.Clinic) { c.Name = "Glow \x1b[2JChicago" }, "clinic.name"},
		{"NUL in the address", func(c *clinic.Clinic) { c.Address = "1 Main St\x00" }, "clinic.address"},
		{"escape in the time zone", func(c *clinic.Clinic) { c.Timezone = "America/Chicago\x1b" }, "clinic.timezone"},
		{"NUL in the hours", func(c *clinic.Clinic) { c.Hours["mon"] = "09:00-17:00\x00" }, "clinic.hours.mon"},
		{"NUL in the review link", func(c *clinic.Clinic) { c.ReviewLink = "https://g.page/glow\x00" }, "clinic.review_link"},
		{"escape in the persona", func(c *clinic.Clinic) { c.Assistant.Persona = "warm\x1b[0m" }, "clinic.assistant.persona"},
		{"NUL in a service name", svc(func(s *clinic.Service) { s.Name = "Bo\x00tox" }), "clinic.services[botox].name"},
		{"escape in an alias", svc(func(s *clinic.Service) { s.Aliases = []string{"tox\x1b"} }), "clinic.services[botox].aliases[0]"},
		{"NUL in a price unit", svc(func(s *clinic.Service) { s.PriceUnit = "unit\x00" }), "clinic.services[botox].price_unit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"version":1,"clinic":` + clinicAWith(t, tc.edit) + `}`
			p := wantStatus(t, e.put("/v1/clinics/clinic_a/settings", mgr, body), http.StatusBadRequest)
			if errs, _ := p["errors"].(map[string]any); errs[tc.field] == nil {
				t.Errorf("problem %v does not name %s", p, tc.field)
			}
		})
	}
	if len(actor.got) != 0 {
		t.Errorf("refused settings reached the clinic actor: %d", len(actor.got))
	}
}
