package gateway

import (
	"embed"
	"net/http"
	"path"
)

// The staff inbox: one page, a script and a style sheet, and the Reports
// page with its script, embedded.
//
//go:embed inbox/index.html inbox/app.js inbox/inbox.css inbox/reports.html inbox/reports.js
var inboxFS embed.FS

// inboxCSP allows the inbox's own files and requests only.
const inboxCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func handleInboxPage() http.Handler { return handleInboxAsset("index.html") }

// handleInboxAsset serves one embedded file of the inbox.
func handleInboxAsset(name string) http.Handler {
	body, err := inboxFS.ReadFile(path.Join("inbox", name))
	if err != nil {
		panic("inbox asset missing: " + name) // a build error: the embed list names it
	}
	ctype := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}[path.Ext(name)]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Security-Policy", inboxCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(body)
	})
}
