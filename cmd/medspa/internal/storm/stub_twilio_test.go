package storm

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The stub plays Twilio's Messages API for its account: basic auth with the
// account SID and auth token, a form with To, From and Body, 201.
func TestStubTwilioMessages(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewStub(ln, "k", nil)
	defer s.Close()
	s.Twilio("ACx", "tok")
	post := func(user, pass string, form url.Values) int {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"/2010-04-01/Accounts/ACx/Messages.json", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(user, pass)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	ok := url.Values{"To": {"+13125550100"}, "From": {"+17735550101"}, "Body": {"Hi"}}
	if st := post("ACx", "tok", ok); st != http.StatusCreated {
		t.Errorf("good send: %d", st)
	}
	if st := post("ACx", "wrong", ok); st != http.StatusUnauthorized {
		t.Errorf("bad token: %d", st)
	}
	if st := post("ACx", "tok", url.Values{"To": {"+13125550100"}, "From": {"+17735550101"}}); st != http.StatusBadRequest {
		t.Errorf("no body: %d", st)
	}
	got := s.Replies()
	if len(got) != 1 || got[0].To != "+13125550100" || got[0].From != "+17735550101" || got[0].Text != "Hi" {
		t.Errorf("recorded %+v", got)
	}
	if s.Refused() != 2 {
		t.Errorf("refused %d, want 2", s.Refused())
	}
}
