package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/cmd/medspa/internal/app/browsertest"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
)

// A front-desk day in a real browser against the whole system: an invited
// user sets a password and signs in with it, opens a conversation, sees
// the lead's new texts arrive without reloading (also after taking it
// over, when the engine decides nothing), replies, hands back, cancels
// the lead's appointment and opens Reports; then the reading part again
// on a 390 px phone, where nothing scrolls sideways and an MMS shows as
// links. axe-core finds no serious or critical violation on either screen.
func TestInboxWorkdayInBrowser(t *testing.T) {
	ci := os.Getenv("CI") == "true"
	browsertest.Require(t, ci)
	axe := browsertest.AxeSource(t, ci)
	shots := os.Getenv("SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	cfg, priv, tel := newConfig(t, "")
	cfg.StripeWebhookSecret = stripeSecret
	sys := startWith(t, cfg, priv, tel, app.Options{Console: &lockedBuffer{}})

	// A lead who booked (deposit paid), as the front desk finds them.
	lead := "+13125550188"
	appt := holdWithDeposit(t, sys, tel, lead, "wd")
	require.Equal(t, http.StatusOK, sys.stripeEvent("evt_wd_paid", lead, appt, "pi_wd"))
	require.Contains(t, tel.WaitFor(t, lead, 4, 10*time.Second)[3].Text, "booked")
	leadID := messages.LeadID(clinicID, lead)

	email, password := "amy@glow.example", "correct horse battery"
	invite := inviteUser(t, sys, email, "Amy Front")

	b := browsertest.Start(t)
	b.Viewport(1280, 900)
	b.TimeZone("Pacific/Auckland") // far from the clinic's America/Chicago
	b.Open(invite)
	b.WaitFor("invite form shown", `return document.getElementById("invite-view").hidden ? "no" : "yes"`, "yes", 10*time.Second)
	require.NotContains(t, b.Eval(`return location.href`), "invite=", "the invite token leaves the address bar")
	b.Type("#new-password", "too short")
	b.Type("#new-password-again", "too short")
	b.Click("#invite-btn")
	b.WaitFor("short password refused", `return document.getElementById("invite-error").textContent`, "The password needs at least 12 characters.", 5*time.Second)
	b.Eval(`document.getElementById("new-password").value = ""; document.getElementById("new-password-again").value = ""; return ""`)
	b.Type("#new-password", password)
	b.Type("#new-password-again", password)
	b.Click("#invite-btn")
	live := `return document.getElementById("live").dataset.state`
	b.WaitFor("signed in by the invite", live, "on", 10*time.Second)
	require.Equal(t, "Signed in as Amy Front", b.Eval(`return document.getElementById("who").textContent`))

	// Sign out, then in with the password.
	b.Click("#signout")
	b.WaitFor("signed out", `return document.getElementById("signin-view").hidden ? "no" : "yes"`, "yes", 10*time.Second)
	require.Equal(t, "true", b.Eval(`return String(document.getElementById("app-view").offsetParent === null && document.getElementById("app-view").getClientRects().length === 0)`),
		"the app is not drawn under the sign-in card")
	b.Type("#email", email)
	b.Type("#password", "wrong password!!")
	b.Click("#login-btn")
	b.WaitFor("wrong password refused", `return document.getElementById("login-error").textContent`, "Wrong email or password.", 10*time.Second)
	b.Eval(`document.getElementById("password").value = ""; return ""`)
	b.Type("#password", password)
	b.Click("#login-btn")
	b.WaitFor("signed in with the password", live, "on", 10*time.Second)

	// The list: the lead's number formatted, the conversation opens.
	item := `#others button[data-id="` + leadID + `"]`
	b.WaitFor("conversation listed", `return document.querySelector('`+item+`') ? "yes" : "no"`, "yes", 10*time.Second)
	b.Click(item)
	b.WaitFor("conversation open", `return document.getElementById("conv-meta").textContent.split(" · ")[0]`, "(312) 555-0188", 10*time.Second)
	// Times in the clinic's zone, services by name.
	apptLine := `return Array.from(document.querySelectorAll("#conv-appointments li > span")).map(s => s.textContent).join("\n")`
	line := b.Eval(apptLine)
	require.True(t, strings.HasPrefix(line, "Botox · "), line)
	require.Contains(t, line, " · booked")
	require.Contains(t, line, apptStart(t, sys, leadID, appt).In(chicago).Format("3:04 PM"), "the clinic's time, not the browser's (Auckland)")

	// A new text appears without a reload (the page keeps a marker).
	b.Eval(`window.__noReload = "kept"; return ""`)
	transcriptTexts := `return Array.from(document.querySelectorAll("#transcript .text")).map(n => n.textContent).join("\n")`
	require.Equal(t, http.StatusOK, first(sys.sms("wd-live-1", lead, "How much is Botox?")))
	b.WaitFor("new text shown live", `return Array.from(document.querySelectorAll("#transcript li[data-author=lead] .text")).map(n => n.textContent).pop()`,
		"How much is Botox?", 10*time.Second)

	actionStatus := `return document.getElementById("action-status").dataset.code + " " + document.getElementById("action-status").textContent`
	b.Click("#take-over")
	b.WaitFor("take over accepted", actionStatus, "202 Accepted (take over).", 10*time.Second)
	b.WaitFor("taken over", `return String(document.getElementById("hand-back").disabled)`, "false", 10*time.Second)
	// After the hand-off the engine decides nothing for a text; it still
	// shows live.
	require.Equal(t, http.StatusOK, first(sys.sms("wd-live-2", lead, "Hello? Anyone there?")))
	b.WaitFor("text after take-over shown live", `return Array.from(document.querySelectorAll("#transcript li[data-author=lead] .text")).map(n => n.textContent).pop()`,
		"Hello? Anyone there?", 10*time.Second)

	b.Type("#reply-text", "Hi, this is Amy. Botox is $12 per unit.")
	b.Click("#send")
	b.WaitFor("reply accepted", actionStatus, "202 Accepted (send).", 10*time.Second)
	sent := tel.WaitFor(t, lead, 6, 10*time.Second)
	require.Equal(t, "Hi, this is Amy. Botox is $12 per unit.", sent[5].Text)
	b.WaitFor("reply in the transcript", `return Array.from(document.querySelectorAll("#transcript .text")).map(n => n.textContent).pop()`,
		"Hi, this is Amy. Botox is $12 per unit.", 10*time.Second)
	b.Click("#hand-back")
	b.WaitFor("hand back accepted", actionStatus, "202 Accepted (hand back).", 10*time.Second)
	b.WaitFor("handed back", `return String(document.getElementById("take-over").disabled)`, "false", 10*time.Second)

	// Cancel the appointment: the button asks to confirm first.
	cancel := `#conv-appointments li[data-id="` + appt + `"] button.cancel`
	b.Click(cancel)
	require.Equal(t, "Confirm: cancel it", b.Eval(`return document.querySelector('`+cancel+`').textContent`))
	b.Click(cancel)
	b.WaitFor("cancel accepted", actionStatus, "202 Accepted (cancel appointment).", 10*time.Second)
	b.WaitFor("appointment cancelled", `return document.querySelector('#conv-appointments li[data-id="`+appt+`"] > span').textContent.split(" · ").pop()`,
		"cancelled", 10*time.Second)
	require.Contains(t, tel.WaitFor(t, lead, 7, 10*time.Second)[6].Text, "cancel")
	require.Equal(t, "kept", b.Eval(`return window.__noReload || ""`), "everything above happened without a reload")
	require.NotEmpty(t, b.Eval(transcriptTexts))

	require.Empty(t, b.Axe(axe), "axe-core: serious or critical violations on the desktop inbox")
	t.Log("screenshot: " + b.Screenshot(shots, "inbox-desktop"))

	// Reports: the link opens the clinic's funnel.
	require.Equal(t, "/inbox/reports.html", b.Eval(`return new URL(document.getElementById("reports-link").href).pathname`))
	b.Click("#reports-link")
	b.WaitFor("reports page", `return location.pathname`, "/inbox/reports.html", 10*time.Second)
	b.WaitFor("report loaded", `return (document.getElementById("status").textContent || "").startsWith("Showing") ? "yes" : document.getElementById("status").textContent`, "yes", 10*time.Second)
	require.Equal(t, "img", b.Eval(`return document.querySelector("#funnel-chart svg").getAttribute("role")`))
	t.Log("screenshot: " + b.Screenshot(shots, "reports-desktop"))

	// The reading part on a phone: an MMS with a long link, a long word.
	long := "https://media.example.com/" + strings.Repeat("a1b2c3d4", 12) + "/photo.jpg"
	mms := bytes.Replace(testkit.TelnyxMessage("wd-mms", lead, clinicNumber, "Here is a photo "+strings.Repeat("x", 80), sys.now()),
		[]byte(`"media":[]`), []byte(`"media":[{"url":"`+long+`","content_type":"image/jpeg"},{"url":"javascript:alert(1)"}]`), 1)
	require.Contains(t, string(mms), long)
	status, body := testkit.Post(t, sys.client, sys.baseURL+"/webhooks/telnyx/messages", testkit.SignTelnyx(sys.priv, mms, sys.now()), mms)
	require.Equal(t, http.StatusOK, status, body)

	b.Viewport(390, 844)
	b.Open(sys.baseURL + "/inbox/") // a new page: the session cookie signs in
	b.WaitFor("signed in again from the session cookie", live, "on", 10*time.Second)
	require.Equal(t, "390", b.Eval(`return String(document.documentElement.clientWidth)`))
	b.WaitFor("conversation listed on the phone", `return document.querySelector('`+item+`') ? "yes" : "no"`, "yes", 10*time.Second)
	b.Click(item)
	links := `return Array.from(document.querySelectorAll("#transcript a.attachment")).map(a => a.href + " " + a.rel + " " + a.target).join("\n")`
	b.WaitFor("MMS shown as a link", links, long+" noopener noreferrer _blank", 10*time.Second)
	require.Contains(t, b.Eval(transcriptTexts), "[attachment] javascript:alert(1)", "a non-http URL stays text")
	require.Equal(t, "", b.Eval(tooWide), "nothing wider than the 390 px screen")
	require.Empty(t, b.Axe(axe), "axe-core: serious or critical violations on the phone")
	b.Eval(`document.querySelector("#transcript li:last-child").scrollIntoView(); return ""`)
	t.Log("screenshot: " + b.Screenshot(shots, "inbox-phone"))

	// Both checks can fail: a wide element and an image without text.
	b.Eval(`const d = document.createElement("div"); d.id = "wide"; d.style.width = "600px"; d.textContent = "x";
		document.getElementById("conversation").append(d);
		const i = document.createElement("img"); i.src = "/inbox/none.png"; document.getElementById("conversation").append(i); return ""`)
	require.Contains(t, b.Eval(tooWide), "DIV#wide")
	if axe != "" {
		require.NotEmpty(t, b.Axe(axe), "axe-core sees an image without a text alternative")
	}
}

// tooWide names what makes the page scroll sideways: the page itself and
// the first elements that reach past the screen's right edge.
const tooWide = `const w = document.documentElement.clientWidth;
	const wide = Array.from(document.querySelectorAll("body *")).filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > w + 0.5 || r.width > w + 0.5); });
	return (document.documentElement.scrollWidth > w ? "page scrolls sideways: " + document.documentElement.scrollWidth + "; " : "") +
		wide.slice(0, 5).map((e) => e.tagName + "#" + e.id + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`

// inviteUser creates a staff user of the clinic through the admin API and
// returns the invite link the API answers.
func inviteUser(t *testing.T, sys *system, email, name string) string {
	t.Helper()
	admin, err := gateway.IssueToken([]byte(sys.cfg.JWTSecret), "root", gateway.RoleAdmin, "", time.Hour, sys.now())
	require.NoError(t, err)
	payload, _ := json.Marshal(map[string]string{"email": email, "name": name, "role": "staff", "clinic_id": clinicID})
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Authorization", "Bearer "+admin)
	status, body := testkit.Post(t, sys.client, sys.baseURL+"/admin/users", h, payload)
	require.Equal(t, http.StatusCreated, status, body)
	var out struct {
		InviteURL string `json:"invite_url"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	m := regexp.MustCompile(`/inbox/#invite=(.+)$`).FindStringSubmatch(out.InviteURL)
	require.NotNil(t, m, "invite url %q", out.InviteURL)
	// The link names the configured public address; the test's server
	// listens elsewhere.
	return sys.baseURL + "/inbox/#invite=" + m[1]
}

// apptStart reads an appointment's start from the staff API.
func apptStart(t *testing.T, sys *system, leadID, appt string) time.Time {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/clinics/%s/conversations/%s", sys.baseURL, clinicID, leadID), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+sys.token())
	res, err := sys.client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var d struct {
		Appointments []struct {
			ID    string    `json:"id"`
			Start time.Time `json:"start"`
		} `json:"appointments"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&d))
	for _, a := range d.Appointments {
		if a.ID == appt {
			return a.Start
		}
	}
	t.Fatalf("appointment %s not in the conversation", appt)
	return time.Time{}
}
