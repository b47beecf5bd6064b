package gateway_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/medspa/engine/gateway"
)

// staffClaims are the claims of a staff token of clinic_a issued at iat
// for life, with iss and aud as IssueToken writes them.
func staffClaims(iat time.Time, life time.Duration) jwt.MapClaims {
	return jwt.MapClaims{
		"sub": "u", "role": "staff", "clinic_id": "clinic_a",
		"iss": gateway.TokenIssuer, "aud": gateway.TokenAudience,
		"iat": iat.Unix(), "exp": iat.Add(life).Unix(),
	}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for kk, vv := range c {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func TestTokenLifetimeIssuerAudienceAndIssueTime(t *testing.T) {
	const path = "/v1/clinics/clinic_a/conversations"
	e := newEnv(t, withPublisher(failingPublisher{}), withStore(seededStore(t)))
	good := staffClaims(testNow.Add(-time.Hour), 2*time.Hour)
	tests := []struct {
		name   string
		claims jwt.MapClaims
		status int
		why    string
	}{
		{"ordinary", good, http.StatusOK, ""},
		{"twelve hours", staffClaims(testNow.Add(-time.Hour), gateway.DefaultTokenMaxLifetime), http.StatusOK, ""},
		{"ten years", staffClaims(testNow.Add(-time.Hour), 10*365*24*time.Hour), http.StatusUnauthorized, "exceeds the maximum"},
		{"twelve hours and a minute", staffClaims(testNow.Add(-time.Hour), gateway.DefaultTokenMaxLifetime+time.Minute), http.StatusUnauthorized, "exceeds the maximum"},
		{"no iat", with(good, "iat", nil), http.StatusUnauthorized, "without iat"},
		{"iat within the clock skew", staffClaims(testNow.Add(20*time.Second), time.Hour), http.StatusOK, ""},
		{"iat in the future", staffClaims(testNow.Add(5*time.Minute), time.Hour), http.StatusUnauthorized, "issued in the future"},
		{"no iss", with(good, "iss", nil), http.StatusUnauthorized, "without a required claim"},
		{"other iss", with(good, "iss", "someone-else"), http.StatusUnauthorized, "not issued for this API"},
		{"no aud", with(good, "aud", nil), http.StatusUnauthorized, "without a required claim"},
		{"other aud", with(good, "aud", "another-api"), http.StatusUnauthorized, "not issued for this API"},
		{"aud among others", with(good, "aud", []string{"another-api", gateway.TokenAudience}), http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := signRaw(t, jwt.SigningMethodHS256, e.secret, tt.claims)
			res := e.get(path, tok)
			if tt.why == "" {
				wantStatus(t, res, tt.status)
				return
			}
			wantDetail(t, res, tt.status, tt.why)
		})
	}
}

func TestTokenMaxLifetimeIsConfigurable(t *testing.T) {
	const path = "/v1/clinics/clinic_a/conversations"
	e := newEnv(t, withPublisher(failingPublisher{}), withStore(seededStore(t)), func(c *gateway.Config) { c.TokenMaxLifetime = time.Hour })
	wantStatus(t, e.get(path, signRaw(t, jwt.SigningMethodHS256, e.secret, staffClaims(testNow, time.Hour))), http.StatusOK)
	wantDetail(t, e.get(path, signRaw(t, jwt.SigningMethodHS256, e.secret, staffClaims(testNow, 2*time.Hour))), http.StatusUnauthorized, "exceeds the maximum of 1h0m0s")
	// The admin API applies the same rules.
	admin := with(staffClaims(testNow, 2*time.Hour), "role", "admin")
	wantDetail(t, e.get("/admin/records", signRaw(t, jwt.SigningMethodHS256, e.secret, admin)), http.StatusUnauthorized, "exceeds the maximum")
}

func TestIssueTokenWritesIssuerAudienceAndIssueTime(t *testing.T) {
	tok, err := gateway.IssueToken([]byte("0123456789abcdef0123456789abcdef"), "u", "staff", "clinic_a", time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	var c gateway.Claims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &c); err != nil {
		t.Fatal(err)
	}
	if c.Issuer != gateway.TokenIssuer || len(c.Audience) != 1 || c.Audience[0] != gateway.TokenAudience ||
		c.IssuedAt == nil || !c.IssuedAt.Equal(testNow) || !c.ExpiresAt.Equal(testNow.Add(time.Hour)) {
		t.Errorf("claims = %+v", c)
	}
}
