package gateway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/medspa/engine/persistence"
)

// SessionCookie is the cookie that carries a signed-in browser's session.
const SessionCookie = "medspa_session"

// HeaderCSRF carries the session's CSRF token on every state-changing
// request made with the session cookie.
const HeaderCSRF = "X-CSRF-Token"

// Default session lifetimes: a session ends 12 hours after sign-in, or 2
// hours after its last request, whichever comes first.
const (
	DefaultSessionLifetime = 12 * time.Hour
	DefaultSessionIdle     = 2 * time.Hour
)

// touchEvery is how stale a session's last use may be before a request
// writes it again: the idle limit is kept to within this.
const touchEvery = time.Minute

// session is a signed-in browser's session and user, put in the context
// of requests authorised by the cookie.
type session struct {
	persistence.Session
	user persistence.User
}

type sessionKey struct{}

func sessionFrom(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey{}).(*session)
	return s
}

// claimsOf are the claims of a session's user: those of a bearer token
// with the user id as subject, expiring when the session would end if no
// further request came (an event stream opened with them ends then).
func claimsOf(s *session, now time.Time, idle time.Duration) *Claims {
	c := &Claims{Role: s.user.Role, ClinicID: s.user.ClinicID, Name: s.user.Name}
	c.Subject, c.SessionID = s.user.ID, s.IDHash
	c.IssuedAt = jwt.NewNumericDate(now)
	exp := now.Add(idle)
	if s.ExpiresAt.Before(exp) {
		exp = s.ExpiresAt
	}
	c.ExpiresAt = jwt.NewNumericDate(exp)
	return c
}

// hashSecret is the hex SHA-256 under which a cookie value or invite token
// is stored.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// newSecret is 32 random bytes, base64url.
func newSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// errNoSession: the cookie names no live session.
var errNoSession = fmt.Errorf("%w: session expired or signed out; sign in again", ErrUnauthorized)

// loadSession returns the live session the request's cookie names. A
// session past its absolute end or idle too long is deleted; a disabled
// user's session is refused. The user is read from the store on every
// request, so a disabled user is refused at once in every process.
func loadSession(cfg Config, r *http.Request) (*session, error) {
	ck, err := r.Cookie(SessionCookie)
	if err != nil || ck.Value == "" {
		return nil, errNoSession
	}
	if cfg.Users == nil {
		return nil, fmt.Errorf("%w: no user store configured", ErrUnavailable)
	}
	ctx := r.Context()
	id := hashSecret(ck.Value)
	s, err := cfg.Users.GetSession(ctx, id)
	if errors.Is(err, persistence.ErrNotFound) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	now := cfg.Now()
	if !now.Before(s.ExpiresAt) || !now.Before(s.LastSeen.Add(cfg.SessionIdle)) {
		if err := cfg.Users.DeleteSession(ctx, id); err != nil {
			return nil, fmt.Errorf("end session: %w", err)
		}
		return nil, errNoSession
	}
	u, err := cfg.Users.GetUser(ctx, s.UserID)
	if errors.Is(err, persistence.ErrNotFound) || (err == nil && u.Disabled()) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("load session user: %w", err)
	}
	if now.Sub(s.LastSeen) >= touchEvery {
		if err := cfg.Users.TouchSession(ctx, id, now); err != nil {
			return nil, err
		}
	}
	return &session{Session: s, user: u}, nil
}

// stateChanging reports whether a method changes state and so needs the
// CSRF header when authorised by the cookie.
func stateChanging(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// checkCSRF is nil when the request carries the session's CSRF token.
func checkCSRF(r *http.Request, s *session) error {
	if !stateChanging(r.Method) {
		return nil
	}
	got := r.Header.Get(HeaderCSRF)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) != 1 {
		return fmt.Errorf("%w: missing or wrong %s header", ErrForbidden, HeaderCSRF)
	}
	return nil
}

// requireStaff admits a request with a valid bearer token (as
// requireToken) or, without an Authorization header, a live session
// cookie; a state-changing request on the cookie also needs the session's
// X-CSRF-Token (403 otherwise). Either way the claims go in the context.
func requireStaff(cfg Config) func(http.Handler) http.Handler {
	byToken := requireToken(cfg)
	return func(next http.Handler) http.Handler {
		withToken := byToken(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				withToken.ServeHTTP(w, r)
				return
			}
			if _, err := r.Cookie(SessionCookie); err != nil {
				withToken.ServeHTTP(w, r) // answers 401 with the challenge
				return
			}
			s, err := loadSession(cfg, r)
			if err != nil {
				if errors.Is(err, ErrUnauthorized) {
					clearSessionCookie(w, cfg)
				}
				Error(w, r, err)
				return
			}
			if err := checkCSRF(r, s); err != nil {
				Error(w, r, err)
				return
			}
			ctx := context.WithValue(r.Context(), keyClaims, claimsOf(s, cfg.Now(), cfg.SessionIdle))
			ctx = context.WithValue(ctx, sessionKey{}, s)
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// startSession stores a new session for u and sets its cookie.
func startSession(w http.ResponseWriter, r *http.Request, cfg Config, u persistence.User) (*session, error) {
	value, err := newSecret()
	if err != nil {
		return nil, err
	}
	csrf, err := newSecret()
	if err != nil {
		return nil, err
	}
	now := cfg.Now()
	s := persistence.Session{IDHash: hashSecret(value), UserID: u.ID, CSRF: csrf, CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(cfg.SessionLifetime)}
	if err := cfg.Users.CreateSession(r.Context(), s); err != nil {
		return nil, fmt.Errorf("start session: %w", err)
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: value, Path: "/", MaxAge: int(cfg.SessionLifetime / time.Second),
		HttpOnly: true, Secure: !cfg.InsecureCookie, SameSite: http.SameSiteLaxMode,
	})
	return &session{Session: s, user: u}, nil
}

// clearSessionCookie tells the browser to drop the session cookie.
func clearSessionCookie(w http.ResponseWriter, cfg Config) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: !cfg.InsecureCookie, SameSite: http.SameSiteLaxMode,
	})
}

// sessionAlive reports whether the session of claims opened through a
// session still lives: stored, before its end, its user not disabled.
// Claims of a token are always alive (their expiry is checked apart). A
// store error counts as alive: an outage does not cut open streams.
func sessionAlive(cfg Config) func(ctx context.Context, c *Claims) bool {
	return func(ctx context.Context, c *Claims) bool {
		if c.SessionID == "" || cfg.Users == nil {
			return true
		}
		s, err := cfg.Users.GetSession(ctx, c.SessionID)
		if errors.Is(err, persistence.ErrNotFound) {
			return false
		}
		if err != nil {
			return true
		}
		if !cfg.Now().Before(s.ExpiresAt) {
			return false
		}
		u, err := cfg.Users.GetUser(ctx, s.UserID)
		switch {
		case errors.Is(err, persistence.ErrNotFound):
			return false
		case err != nil:
			return true
		}
		return !u.Disabled()
	}
}
