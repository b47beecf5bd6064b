package app_test

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app/browsertest"
)

// The Reports page in a real browser, signed in the way the inbox is: it
// draws the funnel and the weeks as SVG with tables that give the same
// numbers, and fits a phone's width.
func TestReportsInBrowser(t *testing.T) {
	browsertest.Require(t, os.Getenv("CI") == "true")
	cfg, priv, tel := newConfig(t, "")
	sys := start(t, cfg, priv, tel)
	for _, lead := range []string{"+13125550191", "+13125550192"} {
		status, body := sys.sms("reports-browser-"+lead, lead, "Hi! How much is Botox?")
		require.Equal(t, http.StatusOK, status, body)
		tel.WaitFor(t, lead, 1, 10*time.Second)
	}

	b := browsertest.Start(t)
	b.Open(sys.baseURL + "/inbox")
	b.Click("details.card summary")
	b.Type("#token", sys.token())
	b.WaitFor("clinic filled in from the token", `return document.getElementById("clinic").value`, clinicID, 5*time.Second)
	b.Click("#signin-btn")
	b.WaitFor("signed in", `return document.getElementById("app-nav").hidden ? "no" : "yes"`, "yes", 10*time.Second)
	b.Click("#reports-link")
	b.WaitFor("report loaded", `return (document.getElementById("status").textContent || "").startsWith("Showing") ? "yes" : document.getElementById("status").textContent`, "yes", 10*time.Second)

	// cell is the n-th data cell (0 first) of the row whose header is row.
	cellN := func(table, row string, n int) string {
		return b.Eval(`const r = Array.from(document.querySelectorAll("#`+table+` tbody tr")).find(tr => tr.querySelector("th").textContent === arguments[0]);
			return r ? r.querySelectorAll("td")[arguments[1]].textContent : "missing"`, row, n)
	}
	cell := func(table, row string) string { return cellN(table, row, 0) }
	require.Equal(t, "2", cell("funnel-table", "New leads"))
	require.Equal(t, "2", cell("funnel-table", "Answered"))
	require.Equal(t, "0", cell("funnel-table", "Booked"))
	require.Equal(t, "2", cellN("sources-table", "Text (Telnyx)", 1))
	require.Equal(t, "img", b.Eval(`return document.querySelector("#funnel-chart svg").getAttribute("role")`))
	require.Contains(t, b.Eval(`return document.querySelector("#funnel-chart svg title").textContent`), "New leads 2")
	require.Equal(t, "14", b.Eval(`return String(document.querySelectorAll("#funnel-chart svg rect").length)`))
	require.NotEqual(t, "0", b.Eval(`return String(document.querySelectorAll("#weeks-table tbody tr").length)`))
	require.Equal(t, "yes", b.Eval(`return document.getElementById("from").value && document.getElementById("to").value ? "yes" : "no"`))

	// A period of another length is asked for and shown.
	today := sys.now().In(chicago).Format(time.DateOnly)
	b.Eval(`document.getElementById("from").value = arguments[0]; document.getElementById("to").value = arguments[0]; return ""`, today)
	b.Click("#show")
	b.WaitFor("one day shown", `return document.getElementById("status").textContent`, "Showing "+today+" to "+today+" (America/Chicago).", 10*time.Second)
	require.Equal(t, "2", cell("funnel-table", "New leads"))

	b.Viewport(390, 844)
	b.Open(sys.baseURL + "/inbox/reports.html")
	b.WaitFor("report loaded again", `return (document.getElementById("status").textContent || "").startsWith("Showing") ? "yes" : "no"`, "yes", 10*time.Second)
	require.Equal(t, "fits", b.Eval(`return document.documentElement.scrollWidth <= window.innerWidth ? "fits" : document.documentElement.scrollWidth + " > " + window.innerWidth`))
	if dir := os.Getenv("SCREENSHOT_DIR"); dir != "" {
		b.Screenshot(dir, "reports-390")
	}
}
