package gateway_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/medspa/engine/internal/clinic"
)

// clinicAWith is clinic_a's settings (as clinicAJSON) changed by edit.
func clinicAWith(t *testing.T, edit func(*clinic.Clinic)) string {
	t.Helper()
	var c clinic.Clinic
	if err := json.Unmarshal([]byte(clinicAJSON(t, 1300)), &c); err != nil {
		t.Fatal(err)
	}
	edit(&c)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Finding 4 of security issue 16: a manager could claim any number no
// clinic owned yet, and with it that number's inbound texts. Only an admin
// changes a clinic's numbers; a manager's change of them is a 403 naming
// the field, and their other edits still go through.
func TestSettingsNumbersChangeOnlyWithAdmin(t *testing.T) {
	e, actor := settingsEnv(t)
	path := "/v1/clinics/clinic_a/settings"
	mgr := e.token("manager", "clinic_a")
	claim := clinicAWith(t, func(c *clinic.Clinic) { c.PhoneNumbers = append(c.PhoneNumbers, "+13125550188") })
	for name, body := range map[string]string{
		"add a number":        claim,
		"drop a number":       clinicAWith(t, func(c *clinic.Clinic) { c.PhoneNumbers, c.TwilioNumbers = c.PhoneNumbers[:1], nil }),
		"swap a number":       clinicAWith(t, func(c *clinic.Clinic) { c.PhoneNumbers[0] = "+13125550188" }),
		"move to Twilio":      clinicAWith(t, func(c *clinic.Clinic) { c.TwilioNumbers = []string{c.PhoneNumbers[0]} }),
		"reorder the numbers": clinicAWith(t, func(c *clinic.Clinic) { c.PhoneNumbers[0], c.PhoneNumbers[1] = c.PhoneNumbers[1], c.PhoneNumbers[0] }),
	} {
		t.Run(name, func(t *testing.T) {
			p := wantStatus(t, e.put(path, mgr, `{"version":1,"clinic":`+body+`}`), http.StatusForbidden)
			errs, _ := p["errors"].(map[string]any)
			if errs["clinic.phone_numbers"] == nil && errs["clinic.twilio_numbers"] == nil {
				t.Errorf("problem %v names no number field", p)
			}
		})
	}
	if len(actor.got) != 0 {
		t.Fatalf("a manager's change of numbers reached the clinic actor: %+v", actor.got)
	}
	// A manager's edit that keeps the numbers is applied.
	wantStatus(t, e.put(path, mgr, `{"version":1,"clinic":`+clinicAJSON(t, 1500)+`}`), http.StatusOK)
	// A manager editing an old version is told to reread (409), not 403.
	res := e.put(path, mgr, `{"version":1,"clinic":`+claim+`}`)
	if p := wantStatus(t, res, http.StatusConflict); p["current_version"] != float64(2) || res.Header.Get("ETag") != `"2"` {
		t.Errorf("stale change of numbers: %v, ETag %q", p, res.Header.Get("ETag"))
	}
	// A version not stored yet is stale even without a change of numbers:
	// it could land on numbers an admin sets meanwhile.
	wantStatus(t, e.put(path, mgr, `{"version":3,"clinic":`+clinicAJSON(t, 1600)+`}`), http.StatusConflict)
	// An admin changes them.
	claim2 := strings.Replace(claim, `"botox","name":"Botox","duration_minutes":30,"price_cents":1300`, `"botox","name":"Botox","duration_minutes":30,"price_cents":1500`, 1)
	var got settingsBody
	decode(t, e.put(path, e.token("admin", ""), `{"version":2,"clinic":`+claim2+`}`), &got)
	if got.Version != 3 || len(got.Clinic.PhoneNumbers) != 3 {
		t.Errorf("admin's change of numbers: %+v", got)
	}
}

// Finding 5 of security issue 16: the settings API refuses the absurd
// values of the report, each with a problem naming the field.
func TestSettingsBounds(t *testing.T) {
	e, actor := settingsEnv(t)
	mgr := e.token("manager", "clinic_a")
	svc := func(f func(*clinic.Service)) func(*clinic.Clinic) {
		return func(c *clinic.Clinic) { f(&c.Services[0]) }
	}
	many := func(c *clinic.Clinic) {
		for i := range 2500 {
			c.Services = append(c.Services, clinic.Service{ID: fmt.Sprintf("s%d", i), Name: fmt.Sprintf("Service %d", i), DurationMinutes: 30})
		}
	}
	cases := []struct {
		name  string
		edit  func(*clinic.Clinic)
		field string
	}{
		{"duration 10^9 minutes", svc(func(s *clinic.Service) { s.DurationMinutes = 1_000_000_000 }), "clinic.services[botox].duration_minutes"},
		{"deposit 10^12 cents", svc(func(s *clinic.Service) { s.DepositCents = 1_000_000_000_000 }), "clinic.services[botox].deposit_cents"},
		{"deposit above a fixed price", svc(func(s *clinic.Service) { s.PriceUnit = "" }), "clinic.services[botox].deposit_cents"},
		{"hold 10^9 minutes", func(c *clinic.Clinic) { c.HoldMinutes = 1_000_000_000 }, "clinic.hold_minutes"},
		{"lead time 10^12 minutes", func(c *clinic.Clinic) { c.LeadTimeMinutes = 1_000_000_000_000 }, "clinic.lead_time_minutes"},
		{"cancellation window of a year", func(c *clinic.Clinic) { c.CancellationWindowHours = 8760 }, "clinic.cancellation_window_hours"},
		{"2,500 services", many, "clinic.services"},
		{"3,000-character name with a newline and a link", func(c *clinic.Clinic) {
			c.Name = "Glow\nhttp://evil.example/win " + strings.Repeat("x", 3000)
		}, "clinic.name"},
		{"service name with a link", svc(func(s *clinic.Service) { s.Name = "Botox www.evil.example" }), "clinic.services[botox].name"},
		{"bad country code", func(c *clinic.Clinic) { c.WebLeadCountryCodes = []string{"882"} }, "clinic.web_lead_country_codes[0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"version":1,"clinic":` + clinicAWith(t, tc.edit) + `}`
			p := wantStatus(t, e.put("/v1/clinics/clinic_a/settings", mgr, body), http.StatusBadRequest)
			if errs, _ := p["errors"].(map[string]any); errs[tc.field] == nil {
				t.Errorf("problem %v does not name %s", p, tc.field)
			}
		})
	}
	if len(actor.got) != 0 {
		t.Fatalf("refused settings reached the clinic actor: %d", len(actor.got))
	}
	// The country codes a clinic takes web leads from are a setting.
	var got settingsBody
	decode(t, e.put("/v1/clinics/clinic_a/settings", mgr, `{"version":1,"clinic":`+clinicAWith(t, func(c *clinic.Clinic) {
		c.WebLeadCountryCodes = []string{"44"}
	})+`}`), &got)
	if len(got.Clinic.WebLeadCountryCodes) != 1 || got.Clinic.WebLeadCountryCodes[0] != "44" {
		t.Errorf("country codes = %v", got.Clinic.WebLeadCountryCodes)
	}
}
