package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/bus"
)

// loadConfig reads every setting from the environment over the defaults.
func loadConfig(getenv func(string) string) (app.Config, error) {
	c := app.Defaults()
	r := &envReader{getenv: getenv}
	r.texts(textSettings(&c))
	readRolePasswords(r, &c)
	readParsedSettings(r, &c)
	if len(r.errs) > 0 {
		return c, fmt.Errorf("settings: %s", strings.Join(r.errs, "; "))
	}
	return c, c.Validate()
}

// textSettings are the settings taken as text, by name.
func textSettings(c *app.Config) map[string]*string {
	return map[string]*string{
		"DATA_DIR":                    &c.DataDir,
		"DATABASE_URL":                &c.DatabaseURL,
		"NATS_URL":                    &c.NATSURL,
		"NATS_LISTEN":                 &c.NATSListen,
		"NATS_USER":                   &c.NATSUser,
		"NATS_PASSWORD":               &c.NATSPassword,
		"NATS_CREDS":                  &c.NATSCredsFile,
		"NATS_CA_FILE":                &c.NATSTLS.CAFile,
		"NATS_CERT_FILE":              &c.NATSTLS.CertFile,
		"NATS_KEY_FILE":               &c.NATSTLS.KeyFile,
		"CLINICS_FILE":                &c.ClinicsFile,
		"SECRETS_FILE":                &c.SecretsFile,
		"TELNYX_PUBLIC_KEY":           &c.TelnyxPublicKey,
		"TELNYX_API_KEY":              &c.TelnyxAPIKey,
		"TELNYX_API_BASE_URL":         &c.TelnyxAPIBaseURL,
		"TELNYX_MESSAGING_PROFILE_ID": &c.TelnyxMessagingProfileID,
		"TWILIO_AUTH_TOKEN":           &c.TwilioAuthToken,
		"TWILIO_ACCOUNT_SID":          &c.TwilioAccountSID,
		"TWILIO_API_BASE_URL":         &c.TwilioAPIBaseURL,
		"PUBLIC_BASE_URL":             &c.PublicBaseURL,
		"AUTH_JWT_SECRET":             &c.JWTSecret,
		"HTTP_LISTEN":                 &c.HTTPListen,
		"STRIPE_SECRET_KEY":           &c.StripeSecretKey,
		"STRIPE_API_BASE_URL":         &c.StripeAPIBaseURL,
		"STRIPE_WEBHOOK_SECRET":       &c.StripeWebhookSecret,
		"LLM_BASE_URL":                &c.LLMBaseURL,
		"LLM_API_KEY":                 &c.LLMAPIKey,
		"LLM_MODEL":                   &c.LLMModel,
	}
}

// readRolePasswords reads the NATS users' passwords (NATS_<ROLE>_PASSWORD).
func readRolePasswords(r *envReader, c *app.Config) {
	for _, role := range bus.Roles {
		var p string
		r.str(bus.PasswordEnv(role), &p)
		if p != "" {
			if c.NATSRolePasswords == nil {
				c.NATSRolePasswords = map[string]string{}
			}
			c.NATSRolePasswords[role] = p
		}
	}
}

// readParsedSettings reads the settings that are parsed: numbers, levels,
// durations and limits, in the order their errors are told.
func readParsedSettings(r *envReader, c *app.Config) {
	r.num("PORT", &c.Port)
	r.logLevel("LOG_LEVEL", &c.LogLevel)
	if v := r.value("TRUST_PROXY"); v != "" {
		p, err := gateway.ParseTrustedProxies(v)
		if err != nil {
			r.errs = append(r.errs, fmt.Sprintf("TRUST_PROXY=%q: %v", v, err))
		}
		c.TrustProxy = p
	}
	r.duration("AUTH_TOKEN_MAX_TTL", &c.TokenMaxLifetime)
	r.duration("SESSION_LIFETIME", &c.SessionLifetime)
	r.duration("SESSION_IDLE", &c.SessionIdle)
	r.rateLimit("WEB_LEAD_LIMIT_IP", &c.WebLeadLimitIP)
	r.rateLimit("WEB_LEAD_LIMIT_PHONE", &c.WebLeadLimitPhone)
	r.rateLimit("WEB_LEAD_LIMIT_CLINIC", &c.WebLeadLimitClinic)
	r.rateLimit("WEB_LEAD_LIMIT_GLOBAL", &c.WebLeadLimitGlobal)
	r.float("SEND_RATE_PER_NUMBER", &c.SendRatePerNumber)
	r.num("SEND_BURST", &c.SendBurst)
	r.duration("SEND_IN_DOUBT_WAIT", &c.SendInDoubtWait)
	r.positiveDuration("LLM_TIMEOUT", &c.LLMTimeout)
	r.num("PARTITIONS", &c.Partitions)
	r.num("STREAM_REPLICAS", &c.StreamReplicas)
	r.positiveDuration("IDLE_TIMEOUT", &c.IdleTimeout)
	r.positiveDuration("SETTINGS_RELOAD", &c.SettingsReload)
	r.positiveDuration("CALENDAR_SYNC", &c.CalendarSync)
}

// envReader reads settings from the environment and collects what is
// wrong with them. An unset (or blank) setting leaves its default.
type envReader struct {
	getenv func(string) string
	errs   []string
}

// value is the setting without surrounding blanks.
func (r *envReader) value(name string) string { return strings.TrimSpace(r.getenv(name)) }

func (r *envReader) str(name string, dst *string) {
	if v := r.value(name); v != "" {
		*dst = v
	}
}

// texts reads text settings by name.
func (r *envReader) texts(dst map[string]*string) {
	for name, p := range dst {
		r.str(name, p)
	}
}

func (r *envReader) num(name string, dst *int) {
	parseSetting(r, name, r.value(name), dst, strconv.Atoi, " is not a number")
}

func (r *envReader) float(name string, dst *float64) {
	parseSetting(r, name, r.value(name), dst, parseFloat, " is not a number")
}

func (r *envReader) duration(name string, dst *time.Duration) {
	parseSetting(r, name, r.value(name), dst, time.ParseDuration, " is not a duration")
}

// positiveDuration reads a duration above zero, taken as written (blanks
// included).
func (r *envReader) positiveDuration(name string, dst *time.Duration) {
	parseSetting(r, name, r.getenv(name), dst, parsePositiveDuration, " is not a positive duration")
}

// logLevel reads a level name, taken as written.
func (r *envReader) logLevel(name string, dst *slog.Level) {
	parseSetting(r, name, r.getenv(name), dst, parseLevel, ": use debug, info, warn or error")
}

// rateLimit reads N/duration, e.g. 10/1m.
func (r *envReader) rateLimit(name string, dst *gateway.RateLimit) {
	parseSetting(r, name, r.value(name), dst, parseRateLimit, ": want N/duration, e.g. 10/1m")
}

// parseSetting sets *dst to the setting's value v read with parse, unless
// v is empty; a value parse refuses is told as NAME="v" and complaint.
func parseSetting[T any](r *envReader, name, v string, dst *T, parse func(string) (T, error), complaint string) {
	if v == "" {
		return
	}
	x, err := parse(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Sprintf("%s=%q", name, v)+complaint)
		return
	}
	*dst = x
}

func parseFloat(v string) (float64, error) { return strconv.ParseFloat(v, 64) }

func parsePositiveDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err == nil && d <= 0 {
		err = errors.New("not positive")
	}
	return d, err
}

func parseLevel(v string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(v))
	return l, err
}

func parseRateLimit(v string) (gateway.RateLimit, error) {
	n, per, ok := strings.Cut(v, "/")
	burst, err1 := strconv.Atoi(n)
	d, err2 := time.ParseDuration(per)
	if !ok || err1 != nil || err2 != nil || burst < 1 || d < time.Millisecond {
		return gateway.RateLimit{}, errors.New("not N/duration")
	}
	return gateway.RateLimit{Burst: burst, Per: d}, nil
}

func newLogger(level slog.Level, w interface{ Write([]byte) (int, error) }) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
