package gateway

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"regexp"

	"github.com/go-chi/chi/v5"
)

// appointmentIDRE matches the ids the calendar gives appointments: ap_
// and lowercase hex.
var appointmentIDRE = regexp.MustCompile(`^ap_[0-9a-f]{1,64}$`)

// depositCSP allows nothing but the page's own inline style: it has no
// script, no form and loads nothing.
const depositCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

// depositPage is the page a deposit link opens when the engine runs
// without a Stripe key; it informs and does nothing else.
var depositPage = template.Must(template.New("deposit").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{if .Paid}}Payment received{{else}}Development checkout{{end}}</title>
<style>
body { font: 1rem/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; background: #fff; }
code, pre { font-family: ui-monospace, monospace; background: #f2f2f2; padding: 0.1rem 0.3rem; }
pre { padding: 0.75rem; overflow-x: auto; }
</style>
</head>
<body>
<main>
{{if .Paid -}}
<h1>Payment received</h1>
<p>The deposit for appointment <code>{{.ID}}</code> has been received. A text message confirms the booking once it has been processed.</p>
<p>You can close this page.</p>
{{- else -}}
<h1>Development checkout</h1>
<p>This is the development checkout for appointment <code>{{.ID}}</code>. The engine is running without a Stripe key, so no payment can be made here.</p>
<p>In production this link goes to Stripe Checkout, where the lead pays the deposit.</p>
<h2>Completing the payment locally</h2>
<ol>
<li>Find the line starting with <code>[stripe dev] checkout</code> for this appointment in the server's console.</li>
<li>Run the <code>medspa sim pay</code> command printed next to it, for example:
<pre>medspa sim pay --clinic … --lead … --appointment {{.ID}} --session … --amount …</pre></li>
<li>The command sends a signed test payment event to the gateway's Stripe webhook, and the conversation continues as after a real payment.</li>
</ol>
<p>Opening this page does not pay, book or change anything.</p>
{{- end}}
</main>
</body>
</html>
`))

// handleDepositPage serves GET /deposits/{appointment_id}: the page the
// development checkout links to (and Stripe's success URL, with ?paid=1).
// It is informational only: it takes no dependencies and changes nothing.
func handleDepositPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := chi.URLParam(r, "appointment_id")
		if !appointmentIDRE.MatchString(id) {
			Error(w, r, fmt.Errorf("%w: no appointment with this id", ErrNotFound))
			return
		}
		var buf bytes.Buffer
		data := struct {
			ID   string
			Paid bool
		}{ID: id, Paid: r.URL.Query().Get("paid") == "1"}
		if err := depositPage.Execute(&buf, data); err != nil {
			Error(w, r, fmt.Errorf("render deposit page: %w", err))
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", depositCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
	})
}
