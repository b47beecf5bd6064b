package main

import (
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
	var errs []string
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	num := func(name string, dst *int) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s=%q is not a number", name, v))
				return
			}
			*dst = n
		}
	}
	num("PORT", &c.Port)
	str("DATA_DIR", &c.DataDir)
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Sprintf("LOG_LEVEL=%q: use debug, info, warn or error", v))
		}
	}
	str("DATABASE_URL", &c.DatabaseURL)
	str("NATS_URL", &c.NATSURL)
	str("NATS_LISTEN", &c.NATSListen)
	for _, role := range bus.Roles {
		var p string
		str(bus.PasswordEnv(role), &p)
		if p != "" {
			if c.NATSRolePasswords == nil {
				c.NATSRolePasswords = map[string]string{}
			}
			c.NATSRolePasswords[role] = p
		}
	}
	str("NATS_USER", &c.NATSUser)
	str("NATS_PASSWORD", &c.NATSPassword)
	str("NATS_CREDS", &c.NATSCredsFile)
	str("NATS_CA_FILE", &c.NATSTLS.CAFile)
	str("NATS_CERT_FILE", &c.NATSTLS.CertFile)
	str("NATS_KEY_FILE", &c.NATSTLS.KeyFile)
	str("CLINICS_FILE", &c.ClinicsFile)
	str("SECRETS_FILE", &c.SecretsFile)
	str("TELNYX_PUBLIC_KEY", &c.TelnyxPublicKey)
	str("TELNYX_API_KEY", &c.TelnyxAPIKey)
	str("TELNYX_API_BASE_URL", &c.TelnyxAPIBaseURL)
	str("TELNYX_MESSAGING_PROFILE_ID", &c.TelnyxMessagingProfileID)
	str("TWILIO_AUTH_TOKEN", &c.TwilioAuthToken)
	str("TWILIO_ACCOUNT_SID", &c.TwilioAccountSID)
	str("TWILIO_API_BASE_URL", &c.TwilioAPIBaseURL)
	str("PUBLIC_BASE_URL", &c.PublicBaseURL)
	str("AUTH_JWT_SECRET", &c.JWTSecret)
	str("HTTP_LISTEN", &c.HTTPListen)
	if v := strings.TrimSpace(getenv("TRUST_PROXY")); v != "" {
		p, err := gateway.ParseTrustedProxies(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("TRUST_PROXY=%q: %v", v, err))
		}
		c.TrustProxy = p
	}
	if v := strings.TrimSpace(getenv("AUTH_TOKEN_MAX_TTL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("AUTH_TOKEN_MAX_TTL=%q is not a duration", v))
		}
		c.TokenMaxLifetime = d
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"SESSION_LIFETIME", &c.SessionLifetime}, {"SESSION_IDLE", &c.SessionIdle}} {
		name, dst := d.name, d.dst
		if v := strings.TrimSpace(getenv(name)); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s=%q is not a duration", name, v))
			}
			*dst = d
		}
	}
	limit := func(name string, dst *gateway.RateLimit) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return
		}
		n, per, ok := strings.Cut(v, "/")
		burst, err1 := strconv.Atoi(n)
		d, err2 := time.ParseDuration(per)
		if !ok || err1 != nil || err2 != nil || burst < 1 || d < time.Millisecond {
			errs = append(errs, fmt.Sprintf("%s=%q: want N/duration, e.g. 10/1m", name, v))
			return
		}
		*dst = gateway.RateLimit{Burst: burst, Per: d}
	}
	limit("WEB_LEAD_LIMIT_IP", &c.WebLeadLimitIP)
	limit("WEB_LEAD_LIMIT_PHONE", &c.WebLeadLimitPhone)
	limit("WEB_LEAD_LIMIT_CLINIC", &c.WebLeadLimitClinic)
	limit("WEB_LEAD_LIMIT_GLOBAL", &c.WebLeadLimitGlobal)
	if v := strings.TrimSpace(getenv("SEND_RATE_PER_NUMBER")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("SEND_RATE_PER_NUMBER=%q is not a number", v))
		}
		c.SendRatePerNumber = f
	}
	num("SEND_BURST", &c.SendBurst)
	if v := strings.TrimSpace(getenv("SEND_IN_DOUBT_WAIT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("SEND_IN_DOUBT_WAIT=%q is not a duration", v))
		}
		c.SendInDoubtWait = d
	}
	str("STRIPE_SECRET_KEY", &c.StripeSecretKey)
	str("STRIPE_API_BASE_URL", &c.StripeAPIBaseURL)
	str("STRIPE_WEBHOOK_SECRET", &c.StripeWebhookSecret)
	str("LLM_BASE_URL", &c.LLMBaseURL)
	str("LLM_API_KEY", &c.LLMAPIKey)
	str("LLM_MODEL", &c.LLMModel)
	if v := getenv("LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Sprintf("LLM_TIMEOUT=%q is not a positive duration", v))
		}
		c.LLMTimeout = d
	}
	num("PARTITIONS", &c.Partitions)
	num("STREAM_REPLICAS", &c.StreamReplicas)
	for _, d := range []struct {
		name string
		to   *time.Duration
	}{{"IDLE_TIMEOUT", &c.IdleTimeout}, {"SETTINGS_RELOAD", &c.SettingsReload}, {"CALENDAR_SYNC", &c.CalendarSync}} {
		if v := getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t <= 0 {
				errs = append(errs, fmt.Sprintf("%s=%q is not a positive duration", d.name, v))
			}
			*d.to = t
		}
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("settings: %s", strings.Join(errs, "; "))
	}
	return c, c.Validate()
}

func newLogger(level slog.Level, w interface{ Write([]byte) (int, error) }) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
