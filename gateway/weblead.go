package gateway

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/messages"
)

// maxWebLeadBody bounds a web form submission.
const maxWebLeadBody = 64 << 10

type webLeadDeps struct {
	clinics    *directory.Directory
	pub        Publisher
	metrics    *Metrics
	now        func() time.Time
	trustProxy []netip.Prefix
	byIP       *limiter
	limits     webLeadLimits
}

// webLeadAccepted is the answer to a web lead.
type webLeadAccepted struct {
	ConversationID string `json:"conversation_id"`
	Status         string `json:"status"`
}

// handleWebLead receives a web form submission. Limited per client
// address, per phone number, per clinic and in all, across gateways
// (webLeadLimits); only US and Canadian numbers, and those of the country
// codes the clinic lists, are texted. A filled honeypot gets a 202 that
// looks like any other and nothing is published. An accepted lead is a
// KindWebLead envelope, durable before the 202.
func handleWebLead(d webLeadDeps) http.Handler {
	route := webhookRoute{provider: ProviderWeb, metrics: d.metrics}
	return route.handler(func(w http.ResponseWriter, r *http.Request, outcome func(string)) {
		allowOrigin(w, r, d.clinics)
		at := d.now()
		ip := clientIP(r, d.trustProxy)
		if ok, wait := d.byIP.allow(ip, at); !ok {
			outcome(OutcomeRateLimited)
			tooMany(w, r, wait, "too many submissions from this address")
			return
		}
		q, err := decodeRequest[webLeadRequest](w, r, webLeadBody, at, nil)
		if err != nil {
			outcome(OutcomeBadRequest)
			Error(w, r, err)
			return
		}
		if q.Website != "" {
			outcome(OutcomeHoneypot)
			writeJSON(w, http.StatusAccepted, webLeadAccepted{ConversationID: "ld_" + randomHex(10), Status: OutcomeAccepted})
			return
		}
		c, err := clinicOf(d.clinics, q.ClinicID)
		if err != nil {
			outcome(OutcomeNotFound)
			Error(w, r, err)
			return
		}
		if why := c.WebFormProblem(q.FormKey, r.Header.Get("Origin")); why != "" {
			outcome(OutcomeForbidden)
			Error(w, r, fmt.Errorf("%w: %s", ErrForbidden, why))
			return
		}
		number, lead := q.lead(ip)
		if !d.admit(w, r, c, number, ip, at, outcome) {
			return
		}
		env := messages.Envelope{
			V: messages.Version, ID: "web:" + newUUID(), Kind: messages.KindWebLead,
			ClinicID: c.ID, LeadID: messages.LeadID(c.ID, number), Phone: number, Received: at,
			Web: lead,
		}
		deliver(w, r, d.pub, env, at, outcome, func(w http.ResponseWriter) {
			writeJSON(w, http.StatusAccepted, webLeadAccepted{ConversationID: env.LeadID, Status: OutcomeAccepted})
		})
	})
}

// allowOrigin lets a browser on one of the sites a clinic lists for its
// form (clinic.WebForm) read the answer: the request's Origin is echoed
// when some clinic lists it. Which clinic the form is for, and whether its
// key matches, is checked with the body (Clinic.WebFormProblem).
func allowOrigin(w http.ResponseWriter, r *http.Request, clinics *directory.Directory) bool {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	for _, c := range clinics.All() {
		if c.AllowsOrigin(origin) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			return true
		}
	}
	return false
}

// handleWebLeadPreflight answers a browser's CORS preflight for
// POST /leads/web from a clinic's own site: JSON bodies need one. Other
// sites get no Access-Control-Allow-Origin, so their browsers never send
// the form.
func handleWebLeadPreflight(clinics *directory.Directory) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if allowOrigin(w, r, clinics) {
			w.Header().Set("Access-Control-Allow-Methods", "POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
			w.Header().Set("Access-Control-Max-Age", "600")
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// webLeadBody is how the public web form reads its body: unknown fields
// are ignored and a body that is not JSON is told so without detail.
var webLeadBody = bodyRules{limit: maxWebLeadBody, shape: "a JSON object"}

// tooMany answers 429 with a Retry-After in whole seconds.
func tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, why string) {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	Error(w, r, fmt.Errorf("%w: %s", ErrTooManyRequests, why))
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
