package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/medspa/engine/gateway"
)

const testSecret = "0123456789abcdef0123456789abcdef"

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// medspa token writes iss, aud and iat, and mints no token the gateway
// would refuse for its lifetime.
func TestTokenCommandLifetimeIssuerAudience(t *testing.T) {
	var out bytes.Buffer
	if err := runToken([]string{"--role", "staff", "--clinic", "glow-chicago"}, env("AUTH_JWT_SECRET", testSecret), &out); err != nil {
		t.Fatal(err)
	}
	var c gateway.Claims
	if _, err := jwt.ParseWithClaims(strings.TrimSpace(out.String()), &c, func(*jwt.Token) (any, error) { return []byte(testSecret), nil },
		jwt.WithIssuer(gateway.TokenIssuer), jwt.WithAudience(gateway.TokenAudience), jwt.WithIssuedAt()); err != nil {
		t.Fatalf("token: %v", err)
	}
	if c.IssuedAt == nil || c.ExpiresAt.Sub(c.IssuedAt.Time) != 12*time.Hour {
		t.Errorf("iat %v, exp %v: want a 12h token by default", c.IssuedAt, c.ExpiresAt)
	}

	out.Reset()
	err := runToken([]string{"--role", "admin", "--ttl", "87600h"}, env("AUTH_JWT_SECRET", testSecret), &out)
	if err == nil || !strings.Contains(err.Error(), "AUTH_TOKEN_MAX_TTL") || out.Len() != 0 {
		t.Errorf("a ten-year token: %v, printed %q; want a refusal naming AUTH_TOKEN_MAX_TTL", err, out.String())
	}
	err = runToken([]string{"--role", "admin", "--ttl", "20h"}, env("AUTH_JWT_SECRET", testSecret, "AUTH_TOKEN_MAX_TTL", "24h"), &out)
	if err != nil || out.Len() == 0 {
		t.Errorf("a 20h token under AUTH_TOKEN_MAX_TTL=24h: %v", err)
	}
}

func TestSecuritySettings(t *testing.T) {
	c, err := loadConfig(env())
	if err != nil {
		t.Fatal(err)
	}
	if c.TokenMaxLifetime != 12*time.Hour || len(c.TrustProxy) != 0 || c.HTTPAddr() != "127.0.0.1:8080" {
		t.Errorf("defaults: max token lifetime %v, trusted proxies %v, HTTP on %s", c.TokenMaxLifetime, c.TrustProxy, c.HTTPAddr())
	}
	c, err = loadConfig(env("PORT", "9090", "NATS_URL", "nats://127.0.0.1:4222", "TELNYX_PUBLIC_KEY", "k", "AUTH_JWT_SECRET", testSecret))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr() != ":9090" {
		t.Errorf("with an external NATS the gateway listens on %q, want :9090", c.HTTPAddr())
	}
	c, err = loadConfig(env("TRUST_PROXY", "10.0.0.0/8, 192.168.1.7", "HTTP_LISTEN", "0.0.0.0:8081", "AUTH_TOKEN_MAX_TTL", "1h"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustProxy) != 2 || c.TrustProxy[0].String() != "10.0.0.0/8" || c.TrustProxy[1].String() != "192.168.1.7/32" ||
		c.HTTPAddr() != "0.0.0.0:8081" || c.TokenMaxLifetime != time.Hour {
		t.Errorf("set: %v, %s, %v", c.TrustProxy, c.HTTPAddr(), c.TokenMaxLifetime)
	}
	for _, bad := range [][]string{
		{"TRUST_PROXY", "everyone"}, {"TRUST_PROXY", "0.0.0.0/0"},
		{"HTTP_LISTEN", "8080"}, {"HTTP_LISTEN", "127.0.0.1:http-alt"},
		{"AUTH_TOKEN_MAX_TTL", "forever"}, {"AUTH_TOKEN_MAX_TTL", "87600h"}, {"AUTH_TOKEN_MAX_TTL", "0s"},
	} {
		if _, err := loadConfig(env(bad...)); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%q: %v, want an error naming the setting", bad[0], bad[1], err)
		}
	}
}
