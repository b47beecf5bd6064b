package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// appointmentIDRE matches the ids the calendar gives appointments: ap_
// and lowercase hex.
var appointmentIDRE = regexp.MustCompile(`^ap_[0-9a-f]{1,64}$`)

// depositCSP allows nothing but the page's own inline style: it has no
// script, no form and loads nothing.
const depositCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

// What a deposit page says about its appointment, from the conversation's
// record of it.
const (
	depositDue        = "due"        // held, waiting for the deposit: the development checkout
	depositConfirming = "confirming" // back from checkout (?paid=1), no payment recorded yet
	depositPaid       = "paid"       // paid, the booking is being confirmed
	depositBooked     = "booked"     // booked (and paid, when a deposit was asked)
	depositRefunded   = "refunded"   // cancelled; the deposit is refunded or being refunded
	depositKept       = "kept"       // cancelled late; the deposit is kept
	depositClosed     = "closed"     // cancelled or expired, nothing paid
	depositNotFound   = "not_found"  // no such appointment
)

// depositTitles are the pages' titles and headings.
var depositTitles = map[string]string{
	depositDue:        "Development checkout",
	depositConfirming: "Payment not confirmed yet",
	depositPaid:       "Payment received",
	depositBooked:     "Appointment booked",
	depositRefunded:   "Deposit refunded",
	depositKept:       "Appointment cancelled",
	depositClosed:     "Appointment no longer held",
	depositNotFound:   "Deposit link not found",
}

// depositPage is the page a deposit link opens when the engine runs
// without a Stripe key, and where Stripe's checkout returns to; it
// informs and does nothing else.
var depositPage = template.Must(template.New("deposit").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<style>
body { font: 1rem/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; background: #fff; }
code, pre { font-family: ui-monospace, monospace; background: #f2f2f2; padding: 0.1rem 0.3rem; }
pre { padding: 0.75rem; overflow-x: auto; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
{{if eq .State "due" -}}
<p>This is the development checkout for appointment <code>{{.ID}}</code>. The engine is running without a Stripe key, so no payment can be made here.</p>
<p>In production this link goes to Stripe Checkout, where the lead pays the deposit.</p>
<h2>Completing the payment locally</h2>
<ol>
<li>Find the line starting with <code>[stripe dev] checkout</code> for this appointment in the server's console.</li>
<li>Run the <code>medspa sim pay</code> command printed next to it, for example:
<pre>medspa sim pay --clinic … --lead … --appointment {{.ID}} --session … --amount … --currency …</pre></li>
<li>The command sends a signed test payment event to the gateway's Stripe webhook, and the conversation continues as after a real payment.</li>
</ol>
<p>Opening this page does not pay, book or change anything.</p>
{{- else if eq .State "confirming" -}}
<p>We have not received confirmation of a payment for appointment <code>{{.ID}}</code> yet. It usually arrives within a minute; a text message confirms your booking once it has.</p>
<p>If you did not complete the payment, use the link in your text messages again. You can close this page.</p>
{{- else if eq .State "paid" -}}
<p>The deposit for appointment <code>{{.ID}}</code> has been received. A text message confirms the booking once it has been processed.</p>
<p>You can close this page.</p>
{{- else if eq .State "booked" -}}
<p>Appointment <code>{{.ID}}</code> is booked.{{if .Paid}} Payment received: the deposit has been paid.{{end}}</p>
<p>You can close this page.</p>
{{- else if eq .State "refunded" -}}
<p>Appointment <code>{{.ID}}</code> was cancelled and its deposit {{if .Refunded}}has been{{else}}is being{{end}} refunded in full.</p>
{{- else if eq .State "kept" -}}
<p>Appointment <code>{{.ID}}</code> was cancelled. Under the clinic's cancellation policy its deposit is not refunded; reply to our text message with any questions.</p>
{{- else if eq .State "closed" -}}
<p>Appointment <code>{{.ID}}</code> is no longer held: it expired or was cancelled, so no deposit is due for it. Reply to our text message to pick another time.</p>
{{- else -}}
<p>We couldn't find this deposit. The link may be incomplete or mistyped. Please use the link in your text messages, or reply to them and we'll help.</p>
{{- end}}
</main>
</body>
</html>
`))

// depositRecord is what the deposit page reads of an appointment in a
// conversation's state (conversation.Appointment).
type depositRecord struct {
	ID              string `json:"id"`
	Status          string `json:"status"`
	PaymentIntent   string `json:"payment_intent"`
	RefundRequested bool   `json:"refund_requested"`
	Refunded        bool   `json:"refunded"`
}

// depositStateOf says what the page shows for an appointment record. Only
// a payment the conversation recorded counts: ?paid=1 (Stripe's success
// URL) alone never says a payment was received.
func depositStateOf(a depositRecord, returned bool) string {
	paid := a.PaymentIntent != ""
	switch {
	case paid && (a.RefundRequested || a.Refunded):
		return depositRefunded
	case a.Status == "booked":
		return depositBooked
	case paid && a.Status == "cancelled":
		return depositKept
	case paid:
		return depositPaid
	case returned:
		return depositConfirming
	case a.Status == "held" || a.Status == "pending_deposit":
		return depositDue
	}
	return depositClosed
}

// DepositURL returns the public address of an appointment's deposit page
// below base, the gateway's public address: where development deposit
// links and Stripe's success (with ?paid=1) and cancel URLs point. The
// engine is given it (actors.Config.DepositURL), so the route is known
// only here and in messages.DepositPath.
func DepositURL(base string) func(clinicID, leadID, appointmentID string) string {
	base = strings.TrimRight(base, "/")
	return func(clinicID, leadID, appointmentID string) string {
		return base + messages.DepositPath(clinicID, leadID, appointmentID)
	}
}

// handleDepositPage serves GET /deposits/{clinic_id}/{lead_id}/{appointment_id}
// (messages.DepositPath): the page development deposit links open, and
// Stripe's success (?paid=1) and cancel URLs. It shows the appointment as
// the lead's conversation records it, and a 404 (an HTML page for a
// browser, problem+json otherwise) for an appointment the conversation
// does not have, including every link of the older form
// /deposits/{appointment_id}. It changes nothing.
func handleDepositPage(store persistence.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clinicID, leadID, id := chi.URLParam(r, "clinic_id"), chi.URLParam(r, "lead_id"), chi.URLParam(r, "appointment_id")
		if !messages.ValidToken(clinicID) || !messages.ValidToken(leadID) || !appointmentIDRE.MatchString(id) {
			depositMissing(w, r)
			return
		}
		if store == nil {
			Error(w, r, fmt.Errorf("%w: no store for deposit pages", ErrUnavailable))
			return
		}
		snap, err := store.LoadSnapshot(r.Context(), clinicID, leadID)
		if errors.Is(err, persistence.ErrNotFound) {
			depositMissing(w, r)
			return
		}
		if err != nil {
			Error(w, r, fmt.Errorf("load snapshot: %w", err))
			return
		}
		var st struct {
			Appointments []depositRecord `json:"appointments"`
		}
		if err := json.Unmarshal(snap.State, &st); err != nil {
			Error(w, r, fmt.Errorf("decode state: %w", err))
			return
		}
		for _, a := range st.Appointments {
			if a.ID == id {
				state := depositStateOf(a, r.URL.Query().Get("paid") == "1")
				writeDepositPage(w, r, http.StatusOK, state, a)
				return
			}
		}
		depositMissing(w, r)
	})
}

// depositMissing answers 404: a page a person can read when a browser
// asks, problem+json otherwise.
func depositMissing(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		Error(w, r, fmt.Errorf("%w: no appointment with this id", ErrNotFound))
		return
	}
	writeDepositPage(w, r, http.StatusNotFound, depositNotFound, depositRecord{})
}

func writeDepositPage(w http.ResponseWriter, r *http.Request, status int, state string, a depositRecord) {
	var buf bytes.Buffer
	data := struct {
		ID, State, Title string
		Paid, Refunded   bool
	}{ID: a.ID, State: state, Title: depositTitles[state], Paid: a.PaymentIntent != "", Refunded: a.Refunded}
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
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
