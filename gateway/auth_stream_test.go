package gateway_test

import (
	"net/http"
	"net/url"
	"testing"
)

// A browser signed in with a password opens the event stream: the ticket
// it takes with the cookie opens a stream that ends with the session.
func TestAuthSessionOpensEventStream(t *testing.T) {
	e := newAuthEnv(t)
	e.addUser("usr_bo", "bo@example.com", "Bo Lee", "staff", "clinic_a", staffPW)
	b := e.signIn("bo@example.com", staffPW)
	body := wantStatus(t, e.request(b, http.MethodPost, "/v1/clinics/clinic_a/events/ticket", "", true), http.StatusCreated)
	tk, _ := body["ticket"].(string)
	if tk == "" {
		t.Fatalf("ticket answer = %v", body)
	}
	openStream(t, e.surface, "/v1/clinics/clinic_a/events?ticket="+url.QueryEscape(tk), "")
}
