// Package gateway is every HTTP route of the engine: provider webhooks, the
// staff API, health and metrics. Webhooks are verified over their raw bytes,
// parsed into messages.Envelope and published durably to JetStream before
// they are acknowledged.
package gateway

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/stage"
	"github.com/medspa/engine/persistence"
)

// Publisher publishes inbound work durably: Publish returns nil only after
// JetStream acknowledged the message. msgID is the Nats-Msg-Id used for
// deduplication; origin is when the gateway accepted the work.
type Publisher interface {
	Publish(ctx context.Context, subject, msgID string, data []byte, origin time.Time) error
}

// LiveState returns a conversation's state and version from its actor, if
// one is in memory on some engine node.
type LiveState func(ctx context.Context, clinicID, leadID string) (state []byte, version int64, ok bool)

// Config holds the gateway's dependencies.
type Config struct {
	// TelnyxPublicKey verifies Telnyx webhooks. Without it every Telnyx
	// webhook is refused.
	TelnyxPublicKey ed25519.PublicKey
	// TwilioAuthToken verifies Twilio webhooks (X-Twilio-Signature).
	// Without it every Twilio webhook is refused.
	TwilioAuthToken string
	// PublicBaseURL is the scheme and host Twilio is configured with, e.g.
	// https://sms.example.com; the signed URL is PublicBaseURL followed by
	// the request URI. Without it every Twilio webhook is refused.
	PublicBaseURL string
	// TrustProxy lists the reverse proxies (TRUST_PROXY) whose
	// X-Forwarded-For is believed: a request from one of them has the
	// client address that header names (read from the right, past the
	// proxies listed here); from anywhere else, the connection's address.
	// Empty: X-Forwarded-For is never believed.
	TrustProxy []netip.Prefix
	// LeadLimitIP, LeadLimitPhone, LeadLimitClinic and LeadLimitGlobal
	// rate-limit POST /leads/web per client address, per phone number, per
	// clinic and in all, counted in Store so that they hold across
	// gateways; zero values mean the DefaultLeadLimit... values.
	LeadLimitIP     RateLimit
	LeadLimitPhone  RateLimit
	LeadLimitClinic RateLimit
	LeadLimitGlobal RateLimit
	// RateCounts is where the web form's limits are counted; Store when
	// nil. Without either, POST /leads/web answers 503: the limits are
	// never skipped.
	RateCounts RateCounter
	// JWTSecret verifies staff API tokens (HS256). Without it every staff
	// API request is refused.
	JWTSecret []byte
	// TokenMaxLifetime is the longest lifetime (exp - iat) of a staff API
	// token that is accepted; DefaultTokenMaxLifetime when zero.
	TokenMaxLifetime time.Duration
	// Users keeps staff users, invites and sessions (sign-in with a
	// password and the session cookie); Store when nil and it implements
	// persistence.Users. Without either the sign-in routes answer 503 and
	// only bearer tokens are accepted.
	Users persistence.Users
	// SessionLifetime and SessionIdle end a session that long after
	// sign-in and after its last request; DefaultSessionLifetime and
	// DefaultSessionIdle when zero.
	SessionLifetime time.Duration
	SessionIdle     time.Duration
	// InsecureCookie drops the Secure attribute of the session cookie. It
	// is set only for development on a loopback address over plain HTTP.
	InsecureCookie bool
	// LoginLimitAccount and LoginLimitIP lock sign-in after that many
	// failures per email and per client address in a window, counted in
	// Users so that they hold across gateways; DefaultLoginLimitAccount and
	// DefaultLoginLimitIP when zero.
	LoginLimitAccount LoginLimit
	LoginLimitIP      LoginLimit
	// Tickets keeps the single-use tickets that open event streams
	// (POST /v1/clinics/{clinic_id}/events/ticket); an in-memory store of
	// this process when nil, which does for one gateway. Several gateways
	// share NATSTickets.
	Tickets TicketStore
	// LiveState, when set, asks the engine for a conversation's state as its
	// actor holds it; nil or not ok means the snapshot is read.
	LiveState LiveState
	// Settings hands settings updates to the clinic actors; nil answers
	// PUT /v1/clinics/{clinic_id}/settings 503.
	Settings SettingsUpdater
	// Blocks hands block changes to the clinic actors; nil answers the
	// blocks routes 503.
	Blocks BlockChanger
	// CalendarSync asks for a sync of a clinic's external calendars; nil
	// answers POST /v1/clinics/{clinic_id}/calendar/sync 503.
	CalendarSync CalendarSyncer
	// Admin configures the admin API's calls to Telnyx.
	Admin AdminConfig
	// StripeWebhookSecret verifies Stripe webhooks (whsec_...). Without it
	// every Stripe webhook is refused.
	StripeWebhookSecret string
	Clinics             *directory.Directory
	Store               persistence.Store
	Publisher           Publisher
	Logger              *slog.Logger
	// Metrics defaults to a set on a registry of its own.
	Metrics *Metrics
	// Now is the clock; defaults to clock.Real.
	Now func() time.Time
	// Ready reports whether the gateway can take work (NATS and store
	// reachable); nil means always ready.
	Ready func(ctx context.Context) error
	// Events feeds the staff inbox's live stream
	// (GET /v1/clinics/{clinic_id}/events); nil answers that route 503.
	Events EventSource
	// Done, when closed, ends the open event streams, so that a server
	// shutdown does not wait for them.
	Done <-chan struct{}
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = discard
	}
	if c.Metrics == nil {
		c.Metrics = NewMetrics(prometheus.NewRegistry())
	}
	if c.Metrics.Gatherer == nil {
		c.Metrics.Gatherer = prometheus.NewRegistry()
	}
	if c.Now == nil {
		c.Now = clock.Real
	}
	if c.Publisher == nil {
		c.Publisher = noPublisher{}
	}
	c.Publisher = timedPublisher{pub: c.Publisher, stages: c.Metrics.stages}
	if c.LeadLimitIP.Burst <= 0 || c.LeadLimitIP.Per <= 0 {
		c.LeadLimitIP = DefaultLeadLimitIP
	}
	if c.LeadLimitPhone.Burst <= 0 || c.LeadLimitPhone.Per <= 0 {
		c.LeadLimitPhone = DefaultLeadLimitPhone
	}
	if c.LeadLimitClinic.Burst <= 0 || c.LeadLimitClinic.Per <= 0 {
		c.LeadLimitClinic = DefaultLeadLimitClinic
	}
	if c.LeadLimitGlobal.Burst <= 0 || c.LeadLimitGlobal.Per <= 0 {
		c.LeadLimitGlobal = DefaultLeadLimitGlobal
	}
	if c.RateCounts == nil && c.Store != nil {
		c.RateCounts = c.Store
	}
	if c.Clinics == nil {
		c.Clinics = directory.New(nil)
	}
	if c.TokenMaxLifetime <= 0 {
		c.TokenMaxLifetime = DefaultTokenMaxLifetime
	}
	if c.Users == nil {
		c.Users, _ = c.Store.(persistence.Users)
	}
	if c.SessionLifetime <= 0 {
		c.SessionLifetime = DefaultSessionLifetime
	}
	if c.SessionIdle <= 0 {
		c.SessionIdle = DefaultSessionIdle
	}
	if c.LoginLimitAccount.Max <= 0 || c.LoginLimitAccount.Window < persistence.MinRateWindow {
		c.LoginLimitAccount = DefaultLoginLimitAccount
	}
	if c.LoginLimitIP.Max <= 0 || c.LoginLimitIP.Window < persistence.MinRateWindow {
		c.LoginLimitIP = DefaultLoginLimitIP
	}
	if c.Tickets == nil {
		c.Tickets = newMemoryTickets()
	}
	return c
}

// NewServer returns the gateway's HTTP handler.
func NewServer(cfg Config) http.Handler {
	return routes(cfg.withDefaults())
}

// timedPublisher times each durable publish (stage publish).
type timedPublisher struct {
	pub    Publisher
	stages *stage.Timer
}

func (p timedPublisher) Publish(ctx context.Context, subject, msgID string, data []byte, origin time.Time) error {
	began := clock.Start()
	err := p.pub.Publish(ctx, subject, msgID, data, origin)
	if err == nil {
		p.stages.Observe(stage.Publish, began.Elapsed())
	}
	return err
}

// noPublisher stands in for a missing Publisher: every webhook that would
// publish answers 503.
type noPublisher struct{}

func (noPublisher) Publish(context.Context, string, string, []byte, time.Time) error {
	return errors.New("no publisher configured")
}
