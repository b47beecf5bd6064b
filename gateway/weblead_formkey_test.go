package gateway_test

import (
	"net/http"
	"testing"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clinic"
)

const formKey = "pk_glow_chicago_2f8a1c"

// keyedClinic is clinic_a with a form key and one site.
func keyedClinic(c *gateway.Config) {
	c.Clinics = directory.New([]clinic.Clinic{{ID: "clinic_a", Name: "Glow", Timezone: "America/Chicago",
		PhoneNumbers: []string{clinicNumber}, WebForm: &clinic.WebForm{Key: formKey, Origins: []string{"https://www.glow.example"}}}})
}

// A clinic with a form key takes its form only with the key and from its
// own site: another site embedding the form, a script without an Origin,
// or a wrong key get 403 and nothing is published. The clinic's site gets
// the CORS answers a browser needs; other sites get none.
func TestWebLeadFormKeyAndOrigin(t *testing.T) {
	e := newEnv(t, keyedClinic)
	site := "https://www.glow.example"
	refused := []struct {
		name   string
		key    any
		origin string
	}{
		{"no key", nil, site},
		{"wrong key", "pk_glow_chicago_2f8a1d", site},
		{"another site", formKey, "https://evil.example"},
		{"no Origin", formKey, ""},
	}
	for _, tt := range refused {
		var headers []string
		if tt.origin != "" {
			headers = []string{"Origin", tt.origin}
		}
		res := e.postLead(withLead("form_key", tt.key), headers...)
		if tt.origin == "https://evil.example" && res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: another site is allowed to read the answer", tt.name)
		}
		wantStatus(t, res, http.StatusForbidden)
	}
	if n := e.streamMsgs(); n != 0 {
		t.Fatalf("stream holds %d messages after refused forms, want 0", n)
	}
	if got := e.countFor(gateway.ProviderWeb, gateway.OutcomeForbidden); got != float64(len(refused)) {
		t.Errorf("forbidden count = %v, want %d", got, len(refused))
	}

	res := e.postLead(withLead("form_key", formKey), "Origin", site)
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != site {
		t.Errorf("Access-Control-Allow-Origin = %q, want the clinic's site", got)
	}
	wantStatus(t, res, http.StatusAccepted)
	if n := e.streamMsgs(); n != 1 {
		t.Fatalf("stream holds %d messages, want 1", n)
	}

	for origin, allowed := range map[string]bool{site: true, "https://evil.example": false} {
		req, _ := http.NewRequest(http.MethodOptions, e.srv.URL+"/leads/web", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		pre, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		pre.Body.Close()
		got := pre.Header.Get("Access-Control-Allow-Origin")
		if pre.StatusCode != http.StatusNoContent || (got == origin) != allowed {
			t.Errorf("preflight from %s: %d, Access-Control-Allow-Origin %q", origin, pre.StatusCode, got)
		}
		if allowed && pre.Header.Get("Access-Control-Allow-Methods") != "POST" {
			t.Errorf("preflight from %s: methods %q", origin, pre.Header.Get("Access-Control-Allow-Methods"))
		}
	}

	// A clinic without a form key takes forms as before, from anywhere.
	open := newEnv(t)
	wantStatus(t, open.postLead(webLead(), "Origin", "https://anywhere.example"), http.StatusAccepted)
}
