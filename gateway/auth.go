package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/medspa/engine/internal/clinic"
)

// Roles of the staff API.
const (
	RoleAdmin   = "admin"   // every clinic
	RoleManager = "manager" // the clinic named in the token, and its settings
	RoleStaff   = "staff"   // the clinic named in the token
)

// Claims are the claims of a staff API token: sub, role, clinic_id.
type Claims struct {
	Role     string `json:"role"`
	ClinicID string `json:"clinic_id,omitempty"`
	jwt.RegisteredClaims
}

func (c *Claims) check() error {
	switch {
	case c.Subject == "":
		return errors.New("missing sub")
	case c.Role != RoleAdmin && c.Role != RoleManager && c.Role != RoleStaff:
		return fmt.Errorf("unknown role %q", c.Role)
	case c.Role != RoleAdmin && c.ClinicID == "":
		return fmt.Errorf("%s token without clinic_id", c.Role)
	}
	return nil
}

// clockSkew is how far the clocks of the issuer and the gateway may differ.
const clockSkew = 30 * time.Second

// IssueToken signs a staff API token (HS256) valid for ttl from now.
func IssueToken(secret []byte, sub, role, clinicID string, ttl time.Duration, now time.Time) (string, error) {
	if len(secret) == 0 {
		return "", errors.New("issue token: empty secret")
	}
	if ttl <= 0 {
		return "", errors.New("issue token: ttl must be positive")
	}
	c := Claims{
		Role:     role,
		ClinicID: clinicID,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   sub,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	if err := c.check(); err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
	if err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	return s, nil
}

// requireToken admits requests that carry a valid bearer token and puts its
// claims in the context. Anything else is 401 with a WWW-Authenticate
// challenge.
func requireToken(secret []byte, now func() time.Time) func(http.Handler) http.Handler {
	return tokenAuth(secret, now, false)
}

// requireTokenOrQuery is requireToken that also takes the token from the
// access_token query parameter, for EventSource, which cannot set headers.
// The access log never records query strings.
func requireTokenOrQuery(secret []byte, now func() time.Time) func(http.Handler) http.Handler {
	return tokenAuth(secret, now, true)
}

func tokenAuth(secret []byte, now func() time.Time, fromQuery bool) func(http.Handler) http.Handler {
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(clockSkew),
		jwt.WithTimeFunc(now),
	)
	keyFunc := func(*jwt.Token) (any, error) { return secret, nil }
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fail := func(code, why string) {
				w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="medspa", error=%q`, code))
				Error(w, r, fmt.Errorf("%w: %s", ErrUnauthorized, why))
			}
			if len(secret) == 0 {
				fail("invalid_token", "staff API has no token secret configured")
				return
			}
			raw, ok := bearer(r.Header.Get("Authorization"))
			if !ok && fromQuery {
				raw = r.URL.Query().Get("access_token")
				ok = raw != ""
			}
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="medspa"`)
				Error(w, r, fmt.Errorf("%w: missing bearer token", ErrUnauthorized))
				return
			}
			var c Claims
			if _, err := parser.ParseWithClaims(raw, &c, keyFunc); err != nil {
				why := "invalid token"
				if errors.Is(err, jwt.ErrTokenExpired) {
					why = "token expired"
				}
				fail("invalid_token", why)
				return
			}
			if err := c.check(); err != nil {
				fail("invalid_token", err.Error())
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyClaims, &c)))
		})
	}
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

func claimsFrom(ctx context.Context) *Claims {
	c, _ := ctx.Value(keyClaims).(*Claims)
	return c
}

// clinicAccess lets a request on /v1/clinics/{clinic_id} through when the
// token may see that clinic (403 otherwise) and the clinic exists (404).
func clinicAccess(dir *clinic.Directory) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := chi.URLParam(r, "clinic_id")
			c := claimsFrom(r.Context())
			if c == nil {
				Error(w, r, fmt.Errorf("%w: no token", ErrUnauthorized))
				return
			}
			if c.Role != RoleAdmin && c.ClinicID != id {
				Error(w, r, fmt.Errorf("%w: token is not for this clinic", ErrForbidden))
				return
			}
			if _, ok := dir.ByID(id); !ok {
				Error(w, r, fmt.Errorf("%w: unknown clinic", ErrNotFound))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
