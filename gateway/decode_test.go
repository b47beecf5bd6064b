package gateway

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type probeRequest struct {
	Name string    `json:"name"`
	When time.Time `json:"when"`
}

func (q probeRequest) Valid(now time.Time) map[string]string {
	f := map[string]string{}
	if q.Name == "" {
		f["name"] = "required"
	}
	if !q.When.After(now) {
		f["when"] = "must be in the future"
	}
	return f
}

// The one body decoder: its rules, the request's own checks at the time
// passed in, and the handler's extra checks, all as field errors.
func TestDecodeRequest(t *testing.T) {
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	strict := bodyRules{limit: 64, strict: true, shape: "a probe", jsonType: true}
	lenient := bodyRules{limit: 64, shape: "a probe"}
	for _, tt := range []struct {
		name   string
		rules  bodyRules
		ctype  string
		body   string
		extra  bool
		fields []string // the fields named, or "413"
	}{
		{"good", strict, "application/json", `{"name":"a","when":"2026-11-21T00:00:00Z"}`, false, nil},
		{"in the past, checked at now", strict, "application/json", `{"name":"a","when":"2026-11-19T00:00:00Z"}`, false, []string{"when"}},
		{"extra check", strict, "application/json", `{"name":"a","when":"2026-11-21T00:00:00Z"}`, true, []string{"name"}},
		{"unknown field, strict", strict, "application/json", `{"name":"a","x":1}`, false, []string{"body"}},
		{"unknown field, lenient", lenient, "", `{"name":"a","when":"2026-11-21T00:00:00Z","x":1}`, false, nil},
		{"two objects", lenient, "", `{"name":"a"} {}`, false, []string{"body"}},
		{"not JSON", lenient, "", `name=a`, false, []string{"body"}},
		{"form content type", strict, "application/x-www-form-urlencoded", `{"name":"a"}`, false, []string{"Content-Type"}},
		{"too large", lenient, "", `{"name":"` + strings.Repeat("a", 100) + `"}`, false, []string{"413"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			var extra func(probeRequest, map[string]string)
			if tt.extra {
				extra = func(q probeRequest, f map[string]string) { f["name"] = "taken: " + q.Name }
			}
			_, err := decodeRequest(httptest.NewRecorder(), r, tt.rules, now, extra)
			var got []string
			var ve *ValidationError
			switch {
			case err == nil:
			case errors.Is(err, ErrTooLarge):
				got = []string{"413"}
			case errors.As(err, &ve):
				for k := range ve.Fields {
					got = append(got, k)
				}
			default:
				t.Fatalf("error %v", err)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields %v, want %v (%v)", got, tt.fields, err)
			}
			if tt.name == "not JSON" && strings.Contains(err.Error(), "invalid character") {
				t.Errorf("a lenient body error names the decoder's complaint: %v", err)
			}
		})
	}
}
