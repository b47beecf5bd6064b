package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/messages"
)

// A front-desk user invited by an admin signs in with a password and
// works a conversation with the session cookie: take over and reply. The
// reply reaches the lead, and the conversation names its author; a
// change without the CSRF header is refused; once disabled, the cookie is
// refused.
func TestStaffUserWorksAConversation(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		sys := start(t, cfg, priv, tel)
		const lead = "+13125550177"

		status, body := sys.postAs("/admin/users", sys.adminToken(), `{"email":"dee@example.com","name":"Dee Desk","role":"staff","clinic_id":"`+clinicID+`"}`)
		require.Equal(t, http.StatusCreated, status, body)
		var created struct {
			User      struct{ ID string }
			InviteURL string `json:"invite_url"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &created))
		_, token, ok := strings.Cut(created.InviteURL, "#invite=")
		require.True(t, ok, created.InviteURL)

		send := func(method, path, cookie, csrf, body string) (*http.Response, []byte) {
			req, err := http.NewRequest(method, sys.baseURL+path, strings.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			if cookie != "" {
				req.AddCookie(&http.Cookie{Name: gateway.SessionCookie, Value: cookie})
			}
			if csrf != "" {
				req.Header.Set(gateway.HeaderCSRF, csrf)
			}
			res, err := sys.client.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			var b []byte
			b, err = readAll(res)
			require.NoError(t, err)
			return res, b
		}
		res, b := send(http.MethodPost, "/v1/auth/invites/"+token, "", "", `{"password":"front desk password"}`)
		require.Equal(t, http.StatusOK, res.StatusCode, string(b))
		res, b = send(http.MethodPost, "/v1/auth/login", "", "", `{"email":"dee@example.com","password":"front desk password"}`)
		require.Equal(t, http.StatusOK, res.StatusCode, string(b))
		var me struct {
			CSRF string `json:"csrf_token"`
		}
		require.NoError(t, json.Unmarshal(b, &me))
		var cookie string
		for _, c := range res.Cookies() {
			if c.Name == gateway.SessionCookie {
				cookie = c.Value
			}
		}
		require.NotEmpty(t, cookie)

		sys.barrier(tel, "ev-auth-1", lead, "Hi, how much is Botox?", "")
		actions := "/v1/clinics/" + clinicID + "/conversations/" + messages.LeadID(clinicID, lead) + "/actions"
		res, b = send(http.MethodPost, actions, cookie, "", `{"type":"take_over"}`)
		require.Equal(t, http.StatusForbidden, res.StatusCode, string(b))
		res, b = send(http.MethodPost, actions, cookie, me.CSRF, `{"type":"take_over"}`)
		require.Equal(t, http.StatusAccepted, res.StatusCode, string(b))
		res, b = send(http.MethodPost, actions, cookie, me.CSRF, `{"type":"send","text":"Hi, this is Dee at the front desk."}`)
		require.Equal(t, http.StatusAccepted, res.StatusCode, string(b))
		require.Eventually(t, func() bool {
			for _, m := range tel.SentTo(lead) {
				if strings.Contains(m.Text, "this is Dee") {
					return true
				}
			}
			return false
		}, 10*time.Second, 20*time.Millisecond, "the staff reply reaches the lead")

		var detail struct {
			Messages []struct {
				Author     string `json:"author"`
				AuthorName string `json:"author_name"`
				Text       string `json:"text"`
			} `json:"messages"`
		}
		res, b = send(http.MethodGet, "/v1/clinics/"+clinicID+"/conversations/"+messages.LeadID(clinicID, lead), cookie, "", "")
		require.Equal(t, http.StatusOK, res.StatusCode, string(b))
		require.NoError(t, json.Unmarshal(b, &detail))
		found := false
		for _, m := range detail.Messages {
			if strings.Contains(m.Text, "this is Dee") {
				found = true
				require.Equal(t, "staff:"+created.User.ID, m.Author)
				require.Equal(t, "Dee Desk", m.AuthorName)
			}
		}
		require.True(t, found, "the reply is in the transcript: %+v", detail.Messages)

		status, body = sys.postAs("/admin/users/"+created.User.ID+"/disable", sys.adminToken(), "")
		require.Equal(t, http.StatusOK, status, body)
		res, b = send(http.MethodGet, "/v1/me", cookie, "", "")
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, string(b))
	})
}

func readAll(res *http.Response) ([]byte, error) {
	var buf strings.Builder
	_, err := io.Copy(&buf, res.Body)
	return []byte(buf.String()), err
}
