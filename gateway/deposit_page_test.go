package gateway_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/medspa/engine/internal/conversation"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/sqlite"
)

// Appointments of the deposit page fixtures, one per state the
// conversation can record.
const (
	apDue      = "ap_00000000000000d1" // waiting for the deposit
	apPaid     = "ap_00000000000000d2" // paid, booking being confirmed
	apBooked   = "ap_00000000000000d3" // paid and booked
	apRefunded = "ap_00000000000000d4" // cancelled, refund asked
	apExpired  = "ap_00000000000000d5" // hold ran out unpaid
	apKept     = "ap_00000000000000d6" // cancelled late, deposit kept
	apUnknown  = "ap_00000000000000ff" // not in the conversation
)

// depositStore holds two conversations of clinic_a whose records cover
// every deposit state; the second lead's also has a refused payment's
// record, named after its payment intent.
func depositStore(t *testing.T) (persistence.Store, string, string) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	lead1, lead2 := messages.LeadID("clinic_a", leadNumber), messages.LeadID("clinic_a", "+13125550124")
	deposit := func(id, status, pi string, f func(a *conversation.Appointment)) conversation.Appointment {
		a := conversation.Appointment{ID: id, ServiceID: "botox", Status: status, DepositCents: 5000, Currency: "usd",
			SessionID: "cs_" + id, LinkSent: true, PaymentIntent: pi}
		if pi != "" {
			a.PaidCents = 5000
		}
		if f != nil {
			f(&a)
		}
		return a
	}
	conv := func(lead string, appts ...conversation.Appointment) persistence.Commit {
		st := conversation.State{ClinicID: "clinic_a", LeadID: lead, Phase: conversation.PhaseDeposit, Appointments: appts}
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		return persistence.Commit{DedupKey: "seed:" + lead, Snapshot: persistence.Snapshot{ClinicID: "clinic_a", LeadID: lead,
			Phone: "+13125550100", Phase: string(st.Phase), State: b, CreatedAt: testNow, UpdatedAt: testNow}}
	}
	res, err := s.Apply(ctx, []persistence.Commit{
		conv(lead1,
			deposit(apDue, conversation.ApptPendingDeposit, "", nil),
			deposit(apPaid, conversation.ApptPendingDeposit, "pi_paid", nil),
			deposit(apBooked, conversation.ApptBooked, "pi_booked", nil),
			deposit(apRefunded, conversation.ApptCancelled, "pi_refunded", func(a *conversation.Appointment) { a.RefundRequested = true }),
			deposit(apExpired, conversation.ApptExpired, "", nil),
		),
		conv(lead2,
			deposit(apKept, conversation.ApptCancelled, "pi_kept", nil),
			// A payment of one cent for apDue's session: refused, refunded,
			// recorded under its payment intent.
			conversation.Appointment{ID: "pi_low", Status: conversation.ApptCancelled, PaymentIntent: "pi_low", PaidCents: 1, RefundRequested: true},
		),
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	for i, r := range res {
		if r != nil {
			t.Fatalf("seed commit %d: %v", i, r)
		}
	}
	return s, lead1, lead2
}

// getHTML asks for path as a browser does.
func (e *env) getHTML(path string) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	res := e.do(req)
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestDepositPage(t *testing.T) {
	store, lead1, lead2 := depositStore(t)
	e := newEnv(t, withStore(store))
	page := func(lead, appt string) string { return messages.DepositPath("clinic_a", lead, appt) }
	for _, tc := range []struct {
		name          string
		path          string
		status        int
		title         string
		want, wantNot []string
	}{
		{
			name: "deposit due", path: page(lead1, apDue), status: http.StatusOK, title: "Development checkout",
			want:    []string{`<html lang="en">`, apDue, "Stripe Checkout", "[stripe dev] checkout", "medspa sim pay", "--appointment " + apDue},
			wantNot: []string{"<script", "<form", "Payment received"},
		},
		{
			// Back from checkout, but no payment recorded: ?paid=1 alone
			// says nothing was received.
			name: "deposit due, paid=1", path: page(lead1, apDue) + "?paid=1", status: http.StatusOK, title: "Payment not confirmed yet",
			want:    []string{apDue, "not received confirmation"},
			wantNot: []string{"Payment received", "has been received", "medspa sim pay"},
		},
		{
			name: "paid", path: page(lead1, apPaid), status: http.StatusOK, title: "Payment received",
			want:    []string{apPaid, "has been received", "confirms the booking"},
			wantNot: []string{"medspa sim pay", "<script", "<form"},
		},
		{
			name: "paid, paid=1", path: page(lead1, apPaid) + "?paid=1", status: http.StatusOK, title: "Payment received",
			want: []string{apPaid, "has been received"},
		},
		{
			name: "booked", path: page(lead1, apBooked) + "?paid=1", status: http.StatusOK, title: "Appointment booked",
			want: []string{apBooked, "is booked", "Payment received"},
		},
		{
			name: "refunded", path: page(lead1, apRefunded), status: http.StatusOK, title: "Deposit refunded",
			want:    []string{apRefunded, "is being refunded"},
			wantNot: []string{"Payment received"},
		},
		{
			name: "expired unpaid", path: page(lead1, apExpired), status: http.StatusOK, title: "Appointment no longer held",
			want:    []string{apExpired, "no deposit is due"},
			wantNot: []string{"Payment received", "medspa sim pay"},
		},
		{
			// A late payment on its way (the hold ran out first).
			name: "expired unpaid, paid=1", path: page(lead1, apExpired) + "?paid=1", status: http.StatusOK, title: "Payment not confirmed yet",
			wantNot: []string{"Payment received"},
		},
		{
			name: "cancelled, deposit kept", path: page(lead2, apKept), status: http.StatusOK, title: "Appointment cancelled",
			want:    []string{apKept, "cancellation policy"},
			wantNot: []string{"Payment received"},
		},
		{
			name: "unknown appointment, paid=1", path: page(lead1, apUnknown) + "?paid=1", status: http.StatusNotFound, title: "Deposit link not found",
			wantNot: []string{"Payment received", apUnknown},
		},
		{
			name: "another lead's appointment", path: page(lead2, apDue) + "?paid=1", status: http.StatusNotFound, title: "Deposit link not found",
			wantNot: []string{"Payment received"},
		},
		{
			name: "unknown lead", path: page(messages.LeadID("clinic_a", "+13125550999"), apPaid) + "?paid=1", status: http.StatusNotFound,
			title: "Deposit link not found", wantNot: []string{"Payment received"},
		},
		{
			name: "another clinic", path: messages.DepositPath("clinic_b", lead1, apPaid) + "?paid=1", status: http.StatusNotFound,
			title: "Deposit link not found", wantNot: []string{"Payment received"},
		},
		{
			// The older links named only the appointment: anyone could
			// write one, so none of them says anything was paid.
			name: "older link, paid=1", path: "/deposits/" + apPaid + "?paid=1", status: http.StatusNotFound, title: "Deposit link not found",
			wantNot: []string{"Payment received"},
		},
		{
			name: "older link, any id, paid=1", path: "/deposits/ap_0123456789abcdef?paid=1", status: http.StatusNotFound, title: "Deposit link not found",
			wantNot: []string{"Payment received"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := e.getHTML(tc.path)
			if res.StatusCode != tc.status || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("status %d, Content-Type %q, want %d text/html", res.StatusCode, res.Header.Get("Content-Type"), tc.status)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
				t.Errorf("CSP %q", csp)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			for _, s := range append(tc.want, "<title>"+tc.title+"</title>", "<h1>"+tc.title+"</h1>") {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tc.wantNot {
				if strings.Contains(body, s) {
					t.Errorf("page has %q", s)
				}
			}
		})
	}
	// Opening the pages, paid or not, publishes nothing.
	if n := e.streamMsgs(); n != 0 {
		t.Errorf("stream holds %d messages after viewing deposit pages", n)
	}
}

// A client that does not ask for HTML gets problem+json for a deposit
// page that does not exist.
func TestDepositPageNotFoundProblem(t *testing.T) {
	store, lead1, _ := depositStore(t)
	e := newEnv(t, withPublisher(failingPublisher{}), withStore(store))
	for _, path := range []string{
		messages.DepositPath("clinic_a", lead1, apUnknown) + "?paid=1",
		"/deposits/" + apPaid + "?paid=1",
	} {
		m := wantStatus(t, e.get(path, ""), http.StatusNotFound)
		if m["type"] != "/problems/not-found" {
			t.Errorf("%s: problem type %v", path, m["type"])
		}
	}
}

func TestDepositPageRejectsBadIDs(t *testing.T) {
	store, lead1, _ := depositStore(t)
	e := newEnv(t, withPublisher(failingPublisher{}), withStore(store))
	for _, id := range []string{
		"ap_", "ap_XYZ", "ap_0123ABCD", "lead_0123", "0123456789abcdef", "ap_01%3Cscript%3E",
		"ap_" + strings.Repeat("a", 65), "ap_0123%20",
	} {
		for _, path := range []string{"/deposits/" + id, "/deposits/clinic_a/" + lead1 + "/" + id} {
			res := e.get(path, "")
			m := wantStatus(t, res, http.StatusNotFound)
			if m["type"] != "/problems/not-found" {
				t.Errorf("%s: problem type %v", path, m["type"])
			}
		}
	}
	for _, path := range []string{
		"/deposits/clinic%20a/" + lead1 + "/" + apDue, "/deposits/clinic_a/ld_%3Cx%3E/" + apDue,
		"/deposits/clinic_a/" + strings.Repeat("l", 65) + "/" + apDue,
	} {
		wantStatus(t, e.get(path, ""), http.StatusNotFound)
	}
	wantStatus(t, e.get("/deposits/", ""), http.StatusNotFound)
	res := e.post(messages.DepositPath("clinic_a", lead1, apDue), "", "{}")
	wantStatus(t, res, http.StatusMethodNotAllowed)
}

// Without a store the page cannot tell anything: 503, never a guess.
func TestDepositPageWithoutStore(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	lead := messages.LeadID("clinic_a", leadNumber)
	wantStatus(t, e.get(messages.DepositPath("clinic_a", lead, apPaid)+"?paid=1", ""), http.StatusServiceUnavailable)
}
