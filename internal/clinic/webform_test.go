package clinic

import (
	"strings"
	"testing"
)

func TestWebFormProblem(t *testing.T) {
	open := &Clinic{ID: "open"}
	keyed := &Clinic{ID: "keyed", WebForm: &WebForm{Key: "pk_glow_0123456789", Origins: []string{"https://www.glow.example", "http://localhost:8000"}}}
	tests := []struct {
		c           *Clinic
		key, origin string
		refused     string
	}{
		{open, "", "", ""},
		{open, "anything", "https://evil.example", ""},
		{keyed, "pk_glow_0123456789", "https://www.glow.example", ""},
		{keyed, "pk_glow_0123456789", "HTTPS://WWW.GLOW.EXAMPLE", ""},
		{keyed, "pk_glow_0123456789", "http://localhost:8000", ""},
		{keyed, "", "https://www.glow.example", "needs its form_key"},
		{keyed, "pk_glow_0123456788", "https://www.glow.example", "wrong form_key"},
		{keyed, "pk_glow_0123456789", "", "no Origin header"},
		{keyed, "pk_glow_0123456789", "https://evil.example", "not taken from that site"},
		{keyed, "pk_glow_0123456789", "https://www.glow.example.evil.example", "not taken from that site"},
		{keyed, "pk_glow_0123456789", "null", "not taken from that site"},
	}
	for _, tt := range tests {
		got := tt.c.WebFormProblem(tt.key, tt.origin)
		if (tt.refused == "") != (got == "") || !strings.Contains(got, tt.refused) {
			t.Errorf("%s key %q origin %q: %q, want %q", tt.c.ID, tt.key, tt.origin, got, tt.refused)
		}
	}
	if !keyed.AllowsOrigin("https://www.glow.example") || keyed.AllowsOrigin("https://evil.example") || open.AllowsOrigin("https://www.glow.example") {
		t.Error("AllowsOrigin")
	}
}

func TestWebFormBounds(t *testing.T) {
	tests := []struct {
		name  string
		form  WebForm
		field string
	}{
		{"short key", WebForm{Key: "short", Origins: []string{"https://a.example"}}, "web_form.key"},
		{"key with a space", WebForm{Key: "pk glow 0123456789", Origins: []string{"https://a.example"}}, "web_form.key"},
		{"no origins", WebForm{Key: "pk_glow_0123456789"}, "web_form.origins"},
		{"origin with a path", WebForm{Key: "pk_glow_0123456789", Origins: []string{"https://a.example/form"}}, "web_form.origins[0]"},
		{"origin without scheme", WebForm{Key: "pk_glow_0123456789", Origins: []string{"a.example"}}, "web_form.origins[0]"},
		{"ftp origin", WebForm{Key: "pk_glow_0123456789", Origins: []string{"https://a.example", "ftp://a.example"}}, "web_form.origins[1]"},
		{"upper case", WebForm{Key: "pk_glow_0123456789", Origins: []string{"https://A.example"}}, "web_form.origins[0]"},
	}
	for _, tt := range tests {
		got := map[string]string{}
		tt.form.validate(func(field, format string, args ...any) { got[field] = format })
		if _, ok := got[tt.field]; !ok || len(got) != 1 {
			t.Errorf("%s: problems %v, want one on %s", tt.name, got, tt.field)
		}
	}
	ok := WebForm{Key: "pk_glow_0123456789", Origins: []string{"https://www.glow.example", "http://localhost:8000"}}
	ok.validate(func(field, format string, args ...any) { t.Errorf("valid form refused: %s %s", field, format) })
}
