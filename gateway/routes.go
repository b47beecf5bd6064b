package gateway

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/twilio"
)

// routes is the gateway's whole URL space.
func routes(cfg Config) http.Handler {
	r := chi.NewRouter()
	r.Use(requestID(cfg.Logger), accessLog, recoverer)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		Error(w, r, fmt.Errorf("%w: no route", ErrNotFound))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		Error(w, r, fmt.Errorf("%w: %s", ErrMethodNotAllowed, r.Method))
	})

	r.Method(http.MethodGet, "/healthz", handleHealthz())
	r.Method(http.MethodGet, "/readyz", handleReadyz(cfg.Ready))
	r.Method(http.MethodGet, "/metrics", handleMetrics(cfg.Metrics.Gatherer))

	r.Method(http.MethodPost, "/webhooks/telnyx/messages",
		handleTelnyxMessages(cfg.TelnyxPublicKey, cfg.Clinics, cfg.Publisher, cfg.Metrics, cfg.Now))
	r.Method(http.MethodPost, "/webhooks/telnyx/voice",
		handleTelnyxVoice(cfg.TelnyxPublicKey, cfg.Clinics, cfg.Publisher, cfg.Metrics, cfg.Now))
	tw := twilioHook{token: cfg.TwilioAuthToken, baseURL: cfg.PublicBaseURL, metrics: cfg.Metrics, now: cfg.Now}
	r.Method(http.MethodPost, "/webhooks/twilio/messages", tw.handle(twilio.Inbound(cfg.Clinics), cfg.Publisher))
	r.Method(http.MethodPost, "/webhooks/twilio/status", tw.handle(twilio.Status(cfg.Clinics), cfg.Publisher))
	r.Method(http.MethodPost, "/webhooks/telnyx/hosted", handleTelnyxHosted(cfg.TelnyxPublicKey, cfg.Store, cfg.Metrics, cfg.Now))
	r.Route("/admin", adminRoutes(cfg, cfg.Admin))
	r.Method(http.MethodPost, "/webhooks/stripe", handleStripe(cfg.StripeWebhookSecret, cfg.Clinics, cfg.Publisher, cfg.Metrics, cfg.Now))
	r.Method(http.MethodOptions, "/leads/web", handleWebLeadPreflight(cfg.Clinics))
	r.Method(http.MethodPost, "/leads/web", handleWebLead(webLeadDeps{
		clinics: cfg.Clinics, pub: cfg.Publisher, metrics: cfg.Metrics, now: cfg.Now, trustProxy: cfg.TrustProxy,
		byIP: newLimiter(cfg.LeadLimitIP), limits: webLeadLimits{counts: cfg.RateCounts,
			ip: cfg.LeadLimitIP, phone: cfg.LeadLimitPhone, clinic: cfg.LeadLimitClinic, global: cfg.LeadLimitGlobal},
	}))

	r.Method(http.MethodGet, "/openapi.json", handleOpenAPI())
	r.Method(http.MethodGet, "/inbox", handleInboxPage())
	r.Method(http.MethodGet, "/inbox/", handleInboxPage()) // invite links: /inbox/#invite=<token>
	r.Method(http.MethodGet, "/inbox/app.js", handleInboxAsset("app.js"))
	r.Method(http.MethodGet, "/inbox/inbox.css", handleInboxAsset("inbox.css"))
	r.Method(http.MethodGet, "/inbox/reports.html", handleInboxAsset("reports.html"))
	r.Method(http.MethodGet, "/inbox/reports.js", handleInboxAsset("reports.js"))
	r.Method(http.MethodGet, "/deposits/{clinic_id}/{lead_id}/{appointment_id}", handleDepositPage(cfg.Store))
	r.Method(http.MethodGet, "/deposits/{appointment_id}", handleDepositPage(cfg.Store)) // links made before: 404

	r.Method(http.MethodPost, "/v1/auth/login", handleLogin(cfg))
	r.Method(http.MethodPost, "/v1/auth/logout", handleLogout(cfg))
	r.Method(http.MethodPost, "/v1/auth/invites/{token}", handleAcceptInvite(cfg))
	r.With(requireStaff(cfg)).Method(http.MethodGet, "/v1/me", handleMe())

	r.Route("/v1/clinics/{clinic_id}", func(r chi.Router) {
		r.Group(func(r chi.Router) {
			r.Use(requireStaff(cfg), clinicAccess(cfg.Clinics))
			r.Method(http.MethodGet, "/conversations", handleListConversations(cfg.Store))
			r.Method(http.MethodGet, "/conversations/{conversation_id}", handleGetConversation(cfg.Clinics, cfg.Store, cfg.LiveState, cfg.Now))
			r.Method(http.MethodPost, "/conversations/{conversation_id}/actions", handleAction(cfg.Store, cfg.Publisher, cfg.Now))
			r.Method(http.MethodGet, "/appointments", handleListAppointments(cfg.Clinics, cfg.Store, cfg.Now))
			r.Method(http.MethodPost, "/blocks", handleAddBlock(cfg.Clinics, cfg.Blocks, cfg.Now))
			r.Method(http.MethodDelete, "/blocks/{block_id}", handleRemoveBlock(cfg.Blocks))
			r.Method(http.MethodPost, "/appointments/{appointment_id}/status", handleAttendance(cfg.Clinics, cfg.Store, cfg.LiveState, cfg.Publisher, cfg.Now))
			r.Method(http.MethodGet, "/settings", handleGetSettings(cfg.Clinics, cfg.Store))
			r.Method(http.MethodGet, "/reports/funnel", handleFunnelReport(cfg.Clinics, cfg.Store, cfg.Now, false))
			r.Method(http.MethodGet, "/reports/funnel.csv", handleFunnelReport(cfg.Clinics, cfg.Store, cfg.Now, true))
			r.Method(http.MethodPost, "/events/ticket", handleStreamTicket(cfg.Tickets, cfg.Now))
			r.Method(http.MethodPut, "/settings", handlePutSettings(cfg.Clinics, cfg.Store, cfg.Settings))
			r.Method(http.MethodPost, "/calendar/sync", handleCalendarSync(cfg.CalendarSync))
		})
		r.Group(func(r chi.Router) {
			r.Use(requireStreamAuth(cfg), clinicAccess(cfg.Clinics))
			r.Method(http.MethodGet, "/events", handleEvents(cfg.Events, cfg.Done, cfg.Now, sessionAlive(cfg)))
		})
	})
	return r
}
