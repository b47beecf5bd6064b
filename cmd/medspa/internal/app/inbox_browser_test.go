package app_test

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app/browsertest"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/messages"
)

// The staff inbox in a real browser against the whole system: sign in with
// a token, open the conversation a lead started by text, see its
// transcript, take over and send a reply.
func TestInboxInBrowser(t *testing.T) {
	browsertest.Require(t, os.Getenv("CI") == "true")
	cfg, priv, tel := newConfig(t, "")
	sys := start(t, cfg, priv, tel)
	lead := "+13125550177"
	status, body := sys.sms("inbox-browser-1", lead, "Hi, I'm Maya. How much is Botox?")
	require.Equal(t, http.StatusOK, status, body)
	reply := tel.WaitFor(t, lead, 1, 10*time.Second)[0].Text
	leadID := messages.LeadID(clinicID, lead)

	b := browsertest.Start(t)
	b.Open(sys.baseURL + "/inbox")
	// Record the URLs of the event streams the page opens.
	b.Eval(`window.streams = []; const ES = window.EventSource;
		window.EventSource = class extends ES { constructor(url, opts) { super(url, opts); window.streams.push(url); } }; return ""`)
	tok := sys.token()
	b.Click("details.card summary") // the token form is folded under the password form
	b.Type("#token", tok)
	b.WaitFor("clinic filled in from the token", `return document.getElementById("clinic").value`, clinicID, 5*time.Second)
	b.Click("#signin-btn")
	b.WaitFor("event stream connected", `return document.getElementById("live").dataset.state`, "on", 10*time.Second)
	// The stream was opened with a ticket, not with the token in its URL.
	streams := b.Eval(`return window.streams.join(" ")`)
	require.Contains(t, streams, "/v1/clinics/"+clinicID+"/events?ticket=")
	require.NotContains(t, streams, tok)
	require.NotContains(t, streams, "access_token")

	item := `#others button[data-id="` + leadID + `"]`
	b.WaitFor("conversation listed", `return document.querySelector('`+item+`') ? "yes" : "no"`, "yes", 10*time.Second)
	b.Click(item)
	transcript := `return Array.from(document.querySelectorAll("#transcript li")).map(li => li.dataset.author + ": " + li.querySelector(".text").textContent).join("\n")`
	b.WaitFor("transcript shown", transcript, "lead: Hi, I'm Maya. How much is Botox?\nengine: "+reply, 10*time.Second)
	require.Equal(t, "Maya", b.Eval(`return document.getElementById("conv-title").textContent`))

	actionStatus := `return document.getElementById("action-status").dataset.code + " " + document.getElementById("action-status").textContent`
	b.Click("#take-over")
	b.WaitFor("take over accepted", actionStatus, "202 Accepted (take over).", 10*time.Second)
	takeOverID := b.Eval(`return document.getElementById("action-status").dataset.actionId`)
	require.True(t, strings.HasPrefix(takeOverID, "staff:"), takeOverID)

	b.Type("#reply-text", "Hi Maya, this is Amy from the front desk.")
	b.Click("#send")
	b.WaitFor("reply accepted", actionStatus, "202 Accepted (send).", 10*time.Second)
	sendID := b.Eval(`return document.getElementById("action-status").dataset.actionId`)
	require.True(t, strings.HasPrefix(sendID, "staff:") && sendID != takeOverID, sendID)
	require.Equal(t, "", b.Eval(`return document.getElementById("reply-text").value`))
	require.Equal(t, "on", b.Eval(`return document.getElementById("live").dataset.state`), "event stream still connected")

	// The core applies the actions: the conversation waits for a person,
	// and the reply reaches the lead and the transcript.
	b.WaitFor("listed as needing a person", `return document.querySelector('#needs button[data-id="`+leadID+`"]') ? "yes" : "no"`, "yes", 10*time.Second)
	sent := tel.WaitFor(t, lead, 2, 10*time.Second)
	require.Equal(t, "Hi Maya, this is Amy from the front desk.", sent[1].Text)
	b.WaitFor("reply in the transcript", `return Array.from(document.querySelectorAll("#transcript .text")).map(n => n.textContent).pop()`,
		"Hi Maya, this is Amy from the front desk.", 10*time.Second)
	b.WaitFor("staff author", `return Array.from(document.querySelectorAll("#transcript li")).map(li => li.dataset.author).join(",")`,
		"lead,engine,staff:tester", 10*time.Second)
}

// When the token expires, the event stream ends and the inbox asks for a
// new token.
func TestInboxSignsOutWhenTheTokenExpires(t *testing.T) {
	browsertest.Require(t, os.Getenv("CI") == "true")
	cfg, priv, tel := newConfig(t, "")
	sys := start(t, cfg, priv, tel)
	b := browsertest.Start(t)
	b.Open(sys.baseURL + "/inbox")
	tok, err := gateway.IssueToken([]byte(cfg.JWTSecret), "tester", "staff", clinicID, 8*time.Second, sys.now())
	require.NoError(t, err)
	b.Click("details.card summary")
	b.Type("#token", tok)
	b.Click("#signin-btn")
	b.WaitFor("event stream connected", `return document.getElementById("live").dataset.state`, "on", 10*time.Second)
	b.WaitFor("signed out when the token expired", `return document.getElementById("signin-view").hidden ? "" : document.getElementById("signin-error").textContent`,
		"Your token has expired. Sign in again with a new one.", 20*time.Second)
	require.Equal(t, "off", b.Eval(`return document.getElementById("live").dataset.state`))
}
