package app_test

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/cmd/medspa/internal/app/browsertest"
	"github.com/medspa/engine/internal/conversation"
)

// Attendance from the inbox in a real browser: a visit booked for later
// today shows no attendance buttons; once it has started (by the
// system's clock, not the browser's) the front desk sees Arrived,
// Completed and No-show, marks it completed, and the review request
// reaches the patient; a completed visit shows no buttons.
func TestAttendanceInBrowser(t *testing.T) {
	browsertest.Require(t, os.Getenv("CI") == "true")
	cfg, priv, tel := newConfig(t, "")
	clk := clockAt(t, daytime)
	sys := startWith(t, cfg, priv, tel, app.Options{Now: clk.Now})
	lead := "+13125550145"
	require.Equal(t, http.StatusOK, first(sys.sms("att-1", lead, "Can I book a consultation today at 4pm?")))
	tel.WaitFor(t, lead, 1, 10*time.Second)
	require.Equal(t, http.StatusOK, first(sys.sms("att-2", lead, "yes")))
	require.Contains(t, tel.WaitFor(t, lead, 2, 10*time.Second)[1].Text, "You're booked!")
	appt := sys.appointmentOf(lead)["id"].(string)

	b := browsertest.Start(t)
	b.Open(sys.baseURL + "/inbox")
	item := `#others button[data-id="` + leadIDOf(lead) + `"], #needs button[data-id="` + leadIDOf(lead) + `"]`
	openConversation := func() {
		b.Click("details.card summary")
		b.Type("#token", sys.token()) // a token of the system's time
		b.WaitFor("clinic filled in from the token", `return document.getElementById("clinic").value`, clinicID, 5*time.Second)
		b.Click("#signin-btn")
		b.WaitFor("signed in", `return document.getElementById("live").dataset.state`, "on", 10*time.Second)
		b.WaitFor("conversation listed", `return document.querySelector('`+item+`') ? "yes" : "no"`, "yes", 10*time.Second)
		b.Click(item)
	}
	openConversation()
	row := `#conv-appointments li[data-id="` + appt + `"]`
	buttons := `const li = document.querySelector('` + row + `'); return li ? Array.from(li.querySelectorAll("button.attendance")).map(b => b.textContent).join(",") : "missing"`
	b.WaitFor("booked visit shown", `return document.querySelector('`+row+`') ? "yes" : "no"`, "yes", 10*time.Second)
	require.Equal(t, "", b.Eval(buttons), "no attendance before the visit opens")

	// The visit has started and ended; the review delay has passed.
	clk.Advance(2*time.Hour + 20*time.Minute + conversation.ReviewAfter + time.Minute)
	b.Open(sys.baseURL + "/inbox")
	b.Eval(`sessionStorage.clear(); localStorage.clear(); location.reload(); return ""`)
	b.WaitFor("sign-in shown", `return document.getElementById("signin-view").hidden ? "no" : "yes"`, "yes", 10*time.Second)
	openConversation()
	b.WaitFor("attendance offered", buttons, "Arrived,Completed,No-show", 10*time.Second)
	if dir := os.Getenv("SCREENSHOT_DIR"); dir != "" {
		t.Log("screenshot: " + b.Screenshot(dir, "inbox-attendance"))
	}
	label := b.Eval(`return document.querySelector('` + row + ` button.attendance[data-status="completed"]').getAttribute("aria-label")`)
	require.True(t, strings.HasPrefix(label, "Mark Consultation on "), label)

	b.Click(row + ` button.attendance[data-status="completed"]`)
	b.WaitFor("attendance recorded", `return document.getElementById("action-status").dataset.code + " " + document.getElementById("action-status").textContent`,
		"202 Recorded: completed.", 10*time.Second)
	review := waitText(t, tel, lead, "a review helps us")
	require.Equal(t, 1, count(review, "a review helps us"), "one review request")
	b.WaitFor("completed shown", `return document.querySelector('`+row+` > span').textContent.split(" · ").pop()`, "completed", 10*time.Second)
	require.Equal(t, "", b.Eval(buttons), "a completed visit is final")
}
