// Package app assembles the engine's parts into the roles of the medspa
// binary: serve (everything in one process), gateway, engine, sender and
// migrate.
package app

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clinicsync"
	"github.com/medspa/engine/internal/sender"
)

// Config is the whole system's configuration, filled from the environment by
// cmd/medspa.
type Config struct {
	Port     int
	DataDir  string
	LogLevel slog.Level

	DatabaseURL string // Postgres; empty means the embedded SQLite store in DataDir
	NATSURL     string // external NATS; empty means an embedded server
	NATSListen  string // client address of the embedded server

	// NATSRolePasswords are the passwords of the NATS users by role
	// (bus.Roles; NATS_<ROLE>_PASSWORD). The embedded server takes them,
	// with development passwords kept in DataDir/dev-keys for those
	// missing; with an external NATS_URL a process connects as its role's
	// user with its role's password unless NATSUser, NATSPassword or
	// NATSCredsFile say otherwise.
	NATSRolePasswords map[string]string
	// Credentials for an external NATS_URL: a creds file, or a user and
	// password.
	NATSUser      string
	NATSPassword  string
	NATSCredsFile string
	// NATSTLS is TLS to an external NATS_URL: the CA of the servers'
	// certificates and a client certificate and key (NATS_CA_FILE,
	// NATS_CERT_FILE, NATS_KEY_FILE).
	NATSTLS bus.ClientTLS

	ClinicsFile string // empty means the built-in demo clinics

	TelnyxPublicKey          string // base64 Ed25519 public key
	TelnyxAPIKey             string
	TelnyxAPIBaseURL         string
	TelnyxMessagingProfileID string

	TwilioAuthToken  string
	TwilioAccountSID string
	TwilioAPIBaseURL string
	// PublicBaseURL is the gateway's public address as configured at
	// Twilio; Twilio signs the full URL.
	PublicBaseURL string
	// HTTPListen is the address of the HTTP server (HTTP_LISTEN); empty
	// means 127.0.0.1:Port in embedded (development) mode and :Port, every
	// interface, otherwise.
	HTTPListen string
	// TrustProxy lists the reverse proxies whose X-Forwarded-For is
	// believed (TRUST_PROXY); empty: none.
	TrustProxy []netip.Prefix

	JWTSecret string
	// TokenMaxLifetime is the longest lifetime (exp - iat) of a staff API
	// token the gateway accepts (AUTH_TOKEN_MAX_TTL).
	TokenMaxLifetime time.Duration
	// SessionLifetime and SessionIdle end a signed-in browser's session
	// that long after sign-in and after its last request
	// (SESSION_LIFETIME, SESSION_IDLE).
	SessionLifetime time.Duration
	SessionIdle     time.Duration

	// Web form limits: accepted leads per client IP, per phone number,
	// per clinic and in all, shared by every gateway through the store.
	WebLeadLimitIP     gateway.RateLimit
	WebLeadLimitPhone  gateway.RateLimit
	WebLeadLimitClinic gateway.RateLimit
	WebLeadLimitGlobal gateway.RateLimit

	// SendRatePerNumber is the most texts per second one sending number
	// hands to its carrier (10DLC limits); SendBurst its burst.
	SendRatePerNumber float64
	SendBurst         int
	// SendInDoubtWait is how long a text whose carrier call a crash left
	// unanswered waits for a receipt naming it before it is sent once more
	// (SEND_IN_DOUBT_WAIT, default 60s).
	SendInDoubtWait time.Duration

	StripeSecretKey     string
	StripeAPIBaseURL    string
	StripeWebhookSecret string

	// A language model through an OpenAI-compatible API (optional).
	LLMBaseURL string
	LLMAPIKey  string
	LLMModel   string
	LLMTimeout time.Duration

	// StreamReplicas is the replication of the JetStream streams (3 on a
	// 3-node cluster).
	StreamReplicas int

	Partitions  int
	IdleTimeout time.Duration
	// SettingsReload is how often every process rereads all clinic
	// settings, in case it missed a settings.changed event.
	SettingsReload time.Duration
	// CalendarSync is the pace of the providers' external calendar sync
	// (CALENDAR_SYNC, default 1m).
	CalendarSync time.Duration
	// SecretsFile holds `name: user:password` lines of the credentials the
	// providers' calendars name (SECRETS_FILE); CALDAV_SECRET_<NAME> in the
	// environment comes first.
	SecretsFile string
}

// Defaults returns the configuration of `make run`.
func Defaults() Config {
	return Config{
		Port:               8080,
		DataDir:            "./data",
		LogLevel:           slog.LevelInfo,
		NATSListen:         "127.0.0.1:4222",
		TelnyxAPIBaseURL:   "https://api.telnyx.com",
		TwilioAPIBaseURL:   "https://api.twilio.com",
		WebLeadLimitIP:     gateway.DefaultLeadLimitIP,
		WebLeadLimitPhone:  gateway.DefaultLeadLimitPhone,
		WebLeadLimitClinic: gateway.DefaultLeadLimitClinic,
		WebLeadLimitGlobal: gateway.DefaultLeadLimitGlobal,
		SendRatePerNumber:  10,
		SendBurst:          20,
		SendInDoubtWait:    sender.DefaultInDoubtWait,
		StripeAPIBaseURL:   "https://api.stripe.com",
		Partitions:         8,
		IdleTimeout:        2 * time.Minute,
		SettingsReload:     30 * time.Second,
		CalendarSync:       time.Minute,
		LLMTimeout:         2 * time.Second,
		StreamReplicas:     1,
		TokenMaxLifetime:   gateway.DefaultTokenMaxLifetime,
		SessionLifetime:    gateway.DefaultSessionLifetime,
		SessionIdle:        gateway.DefaultSessionIdle,
	}
}

// Embedded reports whether NATS runs inside this process. It is the
// development mode: missing keys are replaced by development keys kept in
// DataDir, never by switching a check off.
func (c *Config) Embedded() bool { return c.NATSURL == "" }

// HTTPAddr is the address the HTTP server listens on: HTTPListen, else the
// loopback interface in embedded (development) mode, so that a
// development system is not reachable from the network, and every
// interface otherwise.
func (c *Config) HTTPAddr() string {
	switch {
	case c.HTTPListen != "":
		return c.HTTPListen
	case c.Embedded():
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port))
	}
	return ":" + strconv.Itoa(c.Port)
}

// LoopbackDevelopment reports whether this is a development system (embedded
// mode) reachable only on a loopback address: there, over plain HTTP, the
// session cookie goes without the Secure attribute. Anywhere else it has it.
func (c *Config) LoopbackDevelopment() bool {
	if !c.Embedded() {
		return false
	}
	host, _, err := net.SplitHostPort(c.HTTPAddr())
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs []error
	for _, check := range []func() []error{c.listenErrors, c.lifetimeErrors, c.serviceErrors, c.natsErrors, c.secretErrors} {
		errs = append(errs, check()...)
	}
	return errors.Join(errs...)
}

// listenErrors checks where the process listens and keeps its data.
func (c *Config) listenErrors() []error {
	var errs []error
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("PORT %d out of range", c.Port))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("DATA_DIR is empty"))
	}
	if c.HTTPListen != "" {
		if _, port, err := net.SplitHostPort(c.HTTPListen); err != nil {
			errs = append(errs, fmt.Errorf("HTTP_LISTEN %q: want host:port, e.g. 127.0.0.1:8080 or :8080", c.HTTPListen))
		} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			errs = append(errs, fmt.Errorf("HTTP_LISTEN %q: port out of range", c.HTTPListen))
		}
	}
	return errs
}

// lifetimeErrors checks the lifetimes of staff tokens and sessions.
func (c *Config) lifetimeErrors() []error {
	var errs []error
	if c.TokenMaxLifetime < time.Minute || c.TokenMaxLifetime > 7*24*time.Hour {
		errs = append(errs, fmt.Errorf("AUTH_TOKEN_MAX_TTL %v out of range 1m..168h", c.TokenMaxLifetime))
	}
	if c.SessionLifetime < time.Minute || c.SessionLifetime > 7*24*time.Hour {
		errs = append(errs, fmt.Errorf("SESSION_LIFETIME %v out of range 1m..168h", c.SessionLifetime))
	}
	if c.SessionIdle < time.Minute || c.SessionIdle > c.SessionLifetime {
		errs = append(errs, fmt.Errorf("SESSION_IDLE %v out of range 1m..SESSION_LIFETIME", c.SessionIdle))
	}
	return errs
}

// serviceErrors checks the partitions and streams, the services the
// process calls and its store.
func (c *Config) serviceErrors() []error {
	var errs []error
	if c.Partitions < 1 || c.Partitions > 1024 {
		errs = append(errs, fmt.Errorf("PARTITIONS %d out of range 1..1024", c.Partitions))
	}
	if _, err := url.ParseRequestURI(c.TelnyxAPIBaseURL); err != nil {
		errs = append(errs, fmt.Errorf("TELNYX_API_BASE_URL: %w", err))
	}
	if _, err := url.ParseRequestURI(c.TwilioAPIBaseURL); err != nil {
		errs = append(errs, fmt.Errorf("TWILIO_API_BASE_URL: %w", err))
	}
	if c.PublicBaseURL != "" {
		if u, err := url.Parse(c.PublicBaseURL); err != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, errors.New("PUBLIC_BASE_URL must be an absolute URL such as https://sms.example.com"))
		}
	}
	if c.StreamReplicas < 1 || c.StreamReplicas > 5 {
		errs = append(errs, fmt.Errorf("STREAM_REPLICAS %d out of range 1..5", c.StreamReplicas))
	}
	if c.LLMBaseURL != "" && c.LLMModel == "" {
		errs = append(errs, errors.New("LLM_MODEL is required with LLM_BASE_URL"))
	}
	if c.SendInDoubtWait != 0 && (c.SendInDoubtWait < time.Second || c.SendInDoubtWait > time.Hour) {
		errs = append(errs, errors.New("SEND_IN_DOUBT_WAIT must be between 1s and 1h"))
	}
	if c.SendRatePerNumber <= 0 || c.SendBurst < 1 {
		errs = append(errs, errors.New("SEND_RATE_PER_NUMBER and SEND_BURST must be positive"))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("DATABASE_URL must be a postgres:// URL"))
	}
	return errs
}

// natsErrors checks the NATS users' passwords and TLS.
func (c *Config) natsErrors() []error {
	var errs []error
	for _, role := range bus.Roles {
		if v := c.NATSRolePasswords[role]; v != "" && len(v) < minDevSecret {
			errs = append(errs, fmt.Errorf("%s holds %d bytes, fewer than %d", bus.PasswordEnv(role), len(v), minDevSecret))
		}
	}
	for role := range c.NATSRolePasswords {
		if !slices.Contains(bus.Roles, role) {
			errs = append(errs, fmt.Errorf("NATS password for an unknown role %q", role))
		}
	}
	if err := c.NATSTLS.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.NATSTLS.Enabled() && c.Embedded() {
		errs = append(errs, errors.New("NATS_CA_FILE, NATS_CERT_FILE and NATS_KEY_FILE are for an external NATS_URL; the embedded server is reached in-process"))
	}
	return errs
}

// secretErrors checks the keys a production system (an external NATS_URL)
// must be given, and the JWT secret's length.
func (c *Config) secretErrors() []error {
	var errs []error
	if !c.Embedded() {
		if c.TelnyxPublicKey == "" {
			errs = append(errs, errors.New("TELNYX_PUBLIC_KEY is required with an external NATS_URL (development keys exist only in embedded mode)"))
		}
		if c.JWTSecret == "" {
			errs = append(errs, errors.New("AUTH_JWT_SECRET is required with an external NATS_URL"))
		}
		if c.TwilioAuthToken != "" && c.PublicBaseURL == "" {
			errs = append(errs, errors.New("PUBLIC_BASE_URL is required with TWILIO_AUTH_TOKEN: Twilio signs the public URL"))
		}
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		errs = append(errs, errors.New("AUTH_JWT_SECRET must be at least 32 bytes"))
	}
	return errs
}

// LoadClinics reads the clinics file, or the demo clinics when none is set.
func (c *Config) LoadClinics() ([]clinic.Clinic, error) {
	if c.ClinicsFile == "" {
		return clinic.Demo(), nil
	}
	return clinicsync.LoadFile(c.ClinicsFile)
}

// Keys are the secrets in force: configured, or development keys.
type Keys struct {
	TelnyxPublic  ed25519.PublicKey
	TelnyxPrivate ed25519.PrivateKey // only for development keys (the simulator signs with it)
	JWTSecret     []byte
	TwilioToken   string // configured, development, or "" (Twilio webhooks refused)
	// StripeWebhookSecret is configured, development, or "" (refused).
	StripeWebhookSecret string
	PublicBaseURL       string
}
