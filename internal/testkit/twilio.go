package testkit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Twilio behaves like POST /2010-04-01/Accounts/{AccountSid}/Messages.json
// of the Twilio API: it checks basic auth (account SID and auth token) and
// the form fields, answers 201 with a message sid, and records what it
// accepted. Fail, when set, can answer a request with an error instead.
type Twilio struct {
	*httptest.Server
	AccountSID string
	AuthToken  string

	recorder
	// Fail, when non-nil, is consulted per request (1-based); a non-zero
	// status is answered with a Twilio error body carrying code.
	Fail func(n int) (status, code int)
}

// NewTwilio starts the stub.
func NewTwilio(t testing.TB) *Twilio {
	s := &Twilio{AccountSID: "AC0123456789abcdef0123456789abcdef", AuthToken: "twilio_test_token"}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *Twilio) serve(w http.ResponseWriter, r *http.Request) {
	sid, ok := strings.CutPrefix(r.URL.Path, "/2010-04-01/Accounts/")
	sid, ok2 := strings.CutSuffix(sid, "/Messages.json")
	if r.Method != http.MethodPost || !ok || !ok2 {
		writeTwilioError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.AccountSID || pass != s.AuthToken || sid != s.AccountSID {
		writeTwilioError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		writeTwilioError(w, http.StatusBadRequest, 21620, "Invalid media type")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeTwilioError(w, http.StatusBadRequest, 21620, "Malformed form body")
		return
	}
	from, to, body := r.PostForm.Get("From"), r.PostForm.Get("To"), r.PostForm.Get("Body")
	switch {
	case to == "":
		writeTwilioError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case from == "":
		writeTwilioError(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
		return
	case body == "":
		writeTwilioError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	n := s.attempt()
	if fail := s.Fail; fail != nil {
		if status, code := fail(n); status != 0 {
			writeTwilioError(w, status, code, "stub failure")
			return
		}
	}
	id := fmt.Sprintf("SM%032x", n)
	sms := SentSMS{ID: id, From: from, To: to, Text: body, At: time.Now()}
	s.accept(sms)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"sid": id, "account_sid": s.AccountSID, "from": from, "to": to, "body": body,
		"status": "queued", "direction": "outbound-api", "num_segments": "1", "num_media": "0",
		"api_version": "2010-04-01", "error_code": nil, "error_message": nil,
		"uri": "/2010-04-01/Accounts/" + s.AccountSID + "/Messages/" + id + ".json",
	})
}

func writeTwilioError(w http.ResponseWriter, status, code int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"code": code, "message": message, "status": status,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code),
	})
}
