package gateway_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/medspa/engine/messages"
)

// The form's email and utm_* fields reach the envelope, trimmed; empty ones
// are left out.
func TestWebLeadKeepsEmailAndUTM(t *testing.T) {
	e := newEnv(t)
	m := webLead()
	m["utm_source"] = " google "
	m["utm_medium"] = "cpc"
	m["utm_campaign"] = "spring-botox"
	m["utm_content"] = strings.Repeat("c", 100)
	wantStatus(t, e.postLead(m), http.StatusAccepted)
	got, err := messages.DecodeEnvelope(e.storedMsg(1).Data)
	if err != nil {
		t.Fatal(err)
	}
	want := &messages.UTM{Source: "google", Medium: "cpc", Campaign: "spring-botox", Content: strings.Repeat("c", 100)}
	if got.Web.Email != "dana@example.com" || !reflect.DeepEqual(got.Web.UTM, want) {
		t.Errorf("web = email %q utm %+v, want %+v", got.Web.Email, got.Web.UTM, want)
	}
}

func TestWebLeadBadUTMAndEmail(t *testing.T) {
	for _, tt := range []struct {
		name, field string
		value       any
	}{
		{"long source", "utm_source", strings.Repeat("s", 101)},
		{"control in campaign", "utm_campaign", "spring\x00"},
		{"newline in term", "utm_term", "a\nb"},
		{"long medium", "utm_medium", strings.Repeat("m", 101)},
		{"long content", "utm_content", strings.Repeat("é", 101)},
		{"long email", "email", strings.Repeat("a", 243) + "@example.com"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			p := wantStatus(t, e.postLead(withLead(tt.field, tt.value)), http.StatusBadRequest)
			errs, _ := p["errors"].(map[string]any)
			if len(errs) != 1 || errs[tt.field] == nil {
				t.Errorf("problem errors = %v, want only %q", p["errors"], tt.field)
			}
			if n := e.streamMsgs(); n != 0 {
				t.Errorf("stream holds %d messages, want 0", n)
			}
		})
	}
}
