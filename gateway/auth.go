package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/directory"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/medspa/engine/internal/clock"
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
	// Name is the staff member's name, recorded with what they do; a
	// session's claims always have it, a token's may.
	Name string `json:"name,omitempty"`
	// SessionID is, for a session's claims, the stored hash of the
	// session: an event stream opened with them checks that the session
	// still lives. Never taken from a token.
	SessionID string `json:"sid,omitempty"`
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

// The issuer and audience of staff API tokens: IssueToken writes them and
// the gateway refuses a token without them.
const (
	TokenIssuer   = "medspa"
	TokenAudience = "medspa-staff-api"
)

// DefaultTokenMaxLifetime is the longest lifetime (exp - iat) of a staff
// token the gateway accepts unless Config.TokenMaxLifetime says otherwise.
const DefaultTokenMaxLifetime = 12 * time.Hour

// IssueToken signs a staff API token (HS256) valid for ttl from now, with
// iss, aud and iat set.
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
			Issuer:    TokenIssuer,
			Audience:  jwt.ClaimStrings{TokenAudience},
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

// tokenVerifier checks staff API tokens: HS256 with the secret, iss and aud
// ours, exp required and not past, iat required and not in the future, and
// exp - iat at most maxLifetime (clockSkew allowed on the times).
type tokenVerifier struct {
	secret      []byte
	maxLifetime time.Duration
	parser      *jwt.Parser
}

func newTokenVerifier(cfg Config) *tokenVerifier {
	maxLifetime := cfg.TokenMaxLifetime
	if maxLifetime <= 0 {
		maxLifetime = DefaultTokenMaxLifetime
	}
	return &tokenVerifier{
		secret:      cfg.JWTSecret,
		maxLifetime: maxLifetime,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithIssuer(TokenIssuer),
			jwt.WithAudience(TokenAudience),
			jwt.WithLeeway(clockSkew),
			jwt.WithTimeFunc(clock.Or(cfg.Now)),
		),
	}
}

// verify returns the claims of a valid token, or why it is not.
func (v *tokenVerifier) verify(raw string) (*Claims, string) {
	var c Claims
	if _, err := v.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return v.secret, nil }); err != nil {
		switch {
		case errors.Is(err, jwt.ErrTokenExpired):
			return nil, "token expired"
		case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
			return nil, "token issued in the future"
		case errors.Is(err, jwt.ErrTokenInvalidIssuer), errors.Is(err, jwt.ErrTokenInvalidAudience):
			return nil, "token not issued for this API"
		case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
			return nil, "token without a required claim (exp, iss, aud)"
		}
		return nil, "invalid token"
	}
	if c.IssuedAt == nil {
		return nil, "token without iat"
	}
	if life := c.ExpiresAt.Sub(c.IssuedAt.Time); life > v.maxLifetime {
		return nil, fmt.Sprintf("token lifetime %s exceeds the maximum of %s", life, v.maxLifetime)
	}
	if err := c.check(); err != nil {
		return nil, err.Error()
	}
	c.SessionID = ""
	return &c, ""
}

// requireToken admits requests that carry a valid bearer token and puts its
// claims in the context. Anything else is 401 with a WWW-Authenticate
// challenge.
func requireToken(cfg Config) func(http.Handler) http.Handler {
	v := newTokenVerifier(cfg)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if len(v.secret) == 0 {
				refuseToken(w, r, "staff API has no token secret configured")
				return
			}
			raw, ok := bearer(r.Header.Get("Authorization"))
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="medspa"`)
				Error(w, r, fmt.Errorf("%w: missing bearer token", ErrUnauthorized))
				return
			}
			c, why := v.verify(raw)
			if c == nil {
				refuseToken(w, r, why)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyClaims, c)))
		})
	}
}

// refuseToken answers 401 with an invalid_token challenge.
func refuseToken(w http.ResponseWriter, r *http.Request, why string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="medspa", error="invalid_token"`)
	Error(w, r, fmt.Errorf("%w: %s", ErrUnauthorized, why))
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
func clinicAccess(dir *directory.Directory) func(http.Handler) http.Handler {
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
			if _, err := clinicOf(dir, id); err != nil {
				Error(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// clinicOf is the clinic with this id; ErrNotFound when there is none.
func clinicOf(dir *directory.Directory, id string) (*clinic.Clinic, error) {
	c, ok := dir.ByID(id)
	if !ok {
		return nil, fmt.Errorf("%w: unknown clinic", ErrNotFound)
	}
	return c, nil
}

// clinicParam is the clinic named by {clinic_id}; when there is none it
// answers 404 and returns false.
func clinicParam(w http.ResponseWriter, r *http.Request, dir *directory.Directory) (*clinic.Clinic, bool) {
	c, err := clinicOf(dir, chi.URLParam(r, "clinic_id"))
	if err != nil {
		Error(w, r, err)
		return nil, false
	}
	return c, true
}
