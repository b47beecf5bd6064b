package gateway

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/internal/password"
	"github.com/medspa/engine/persistence"
)

// LoginLimit locks sign-in after Max failures in each fixed Window.
type LoginLimit struct {
	Max    int
	Window time.Duration
}

// Default sign-in lockouts: 5 failures per email and 20 per client address
// in 15 minutes.
var (
	DefaultLoginLimitAccount = LoginLimit{Max: 5, Window: 15 * time.Minute}
	DefaultLoginLimitIP      = LoginLimit{Max: 20, Window: 15 * time.Minute}
)

// maxAuthBody caps a sign-in or invite body.
const maxAuthBody = 4 << 10

// errBadLogin is the one answer to a wrong password, an unknown email, a
// user without a password yet and a disabled user.
var errBadLogin = fmt.Errorf("%w: email or password is wrong", ErrUnauthorized)

// userView is a user as the sign-in routes answer it.
type userView struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	ClinicID string `json:"clinic_id"`
}

func viewUser(u persistence.User) userView {
	return userView{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, ClinicID: u.ClinicID}
}

// meView is the answer of sign-in, invite acceptance and GET /v1/me.
type meView struct {
	User      userView `json:"user"`
	CSRFToken string   `json:"csrf_token,omitempty"`
}

// loginRequest is the body of POST /v1/auth/login.
type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (q loginRequest) Valid(time.Time) map[string]string {
	f := map[string]string{}
	if strings.TrimSpace(q.Email) == "" || len(q.Email) > maxEmail {
		f["email"] = "required, at most 254 characters"
	}
	if q.Password == "" {
		f["password"] = "required"
	}
	return f
}

// inviteRequest is the body of POST /v1/auth/invites/{token}.
type inviteRequest struct {
	Password string `json:"password"`
}

func (q inviteRequest) Valid(time.Time) map[string]string {
	f := map[string]string{}
	if why := password.Check(q.Password); why != "" {
		f["password"] = why
	}
	return f
}

// authBody is how the sign-in, invite and user routes read their bodies:
// Content-Type application/json (a cross-site form cannot send it without
// a CORS preflight), one object, known fields only.
var authBody = bodyRules{limit: maxAuthBody, strict: true, jsonType: true, shape: "a JSON object"}

// loginChecks are the failure counters of a sign-in: per email (hashed,
// whether or not a user has it) and per client address.
func loginChecks(cfg Config, r *http.Request, email string) []persistence.RateCheck {
	checks := []persistence.RateCheck{{
		Key: "login:ip:" + hashSecret(clientIP(r, cfg.TrustProxy)), Max: cfg.LoginLimitIP.Max, Window: cfg.LoginLimitIP.Window,
	}}
	if email != "" {
		checks = append(checks, persistence.RateCheck{
			Key: "login:account:" + hashSecret(persistence.NormalEmail(email)), Max: cfg.LoginLimitAccount.Max, Window: cfg.LoginLimitAccount.Window,
		})
	}
	return checks
}

// lockedOut answers 429 with Retry-After when one of checks is full, and
// returns true.
func lockedOut(w http.ResponseWriter, r *http.Request, cfg Config, checks []persistence.RateCheck) bool {
	res, err := cfg.Users.PeekRate(r.Context(), cfg.Now(), checks)
	if err != nil {
		Error(w, r, fmt.Errorf("check sign-in lockout: %w", err))
		return true
	}
	if res.OK {
		return false
	}
	wait := max(int(math.Ceil(res.Until.Sub(cfg.Now()).Seconds())), 1)
	w.Header().Set("Retry-After", strconv.Itoa(wait))
	Error(w, r, fmt.Errorf("%w: too many failed sign-ins; try again in %d seconds", ErrTooManyRequests, wait))
	return true
}

// failSignIn counts a failed sign-in against checks and answers why.
func failSignIn(w http.ResponseWriter, r *http.Request, cfg Config, checks []persistence.RateCheck, why error) {
	if _, err := cfg.Users.TakeRate(r.Context(), cfg.Now(), checks); err != nil {
		Error(w, r, fmt.Errorf("count failed sign-in: %w", err))
		return
	}
	Error(w, r, why)
}

// signInRequest is the body of a route that signs a user in; account is
// the email whose failures it counts ("" for none).
type signInRequest interface {
	request
	account() string
}

func (q loginRequest) account() string  { return q.Email }
func (q inviteRequest) account() string { return "" }

// signInRoute serves a route that signs a user in: 503 without a user
// store, the body read and checked, and 429 while the failure counts of
// the client address or the account are full. Then user finds who signs
// in: a refusal is counted as a failed sign-in and answered; otherwise
// the user's session starts, the sign-in is logged as event and answered
// with the user and the CSRF token.
func signInRoute[T signInRequest](cfg Config, event string, user func(r *http.Request, q T) (u persistence.User, refusal, err error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !usersReady(w, r, cfg) {
			return
		}
		q, err := decodeRequest[T](w, r, authBody, cfg.Now(), nil)
		if err != nil {
			Error(w, r, err)
			return
		}
		checks := loginChecks(cfg, r, q.account())
		if lockedOut(w, r, cfg, checks) {
			return
		}
		u, refusal, err := user(r, q)
		switch {
		case err != nil:
			Error(w, r, err)
			return
		case refusal != nil:
			failSignIn(w, r, cfg, checks, refusal)
			return
		}
		s, err := startSession(w, r, cfg, u)
		if err != nil {
			Error(w, r, err)
			return
		}
		loggerFrom(r.Context()).LogAttrs(r.Context(), slog.LevelInfo, event, slog.String("user_id", u.ID))
		writeJSON(w, http.StatusOK, meView{User: viewUser(u), CSRFToken: s.CSRF})
	})
}

// usersReady answers 503 and returns false without a user store.
func usersReady(w http.ResponseWriter, r *http.Request, cfg Config) bool {
	if cfg.Users == nil {
		Error(w, r, fmt.Errorf("%w: no user store configured", ErrUnavailable))
		return false
	}
	return true
}

// handleLogin signs a user in with email and password: 200 with the user
// and the CSRF token, and the session cookie. A wrong password, an unknown
// email, a user without a password and a disabled user all get the same
// 401, after the same work (a dummy hash is checked when there is no
// user). Failures are counted per email and per client address; while
// either count is full every attempt, right or wrong, is answered 429
// with Retry-After.
func handleLogin(cfg Config) http.Handler {
	return signInRoute(cfg, "signed in", func(r *http.Request, q loginRequest) (persistence.User, error, error) {
		u, err := cfg.Users.UserByEmail(r.Context(), q.Email)
		if err != nil && !errors.Is(err, persistence.ErrNotFound) {
			return u, nil, fmt.Errorf("sign in: %w", err)
		}
		if !passwordMatches(r, u, err == nil, q.Password) || u.Disabled() {
			return u, errBadLogin, nil
		}
		return u, nil, nil
	})
}

// passwordMatches checks pw against the password of u. No user (found
// false) and a user without a password take the same work, a dummy hash,
// and do not match; a stored hash that cannot be read is logged and does
// not match.
func passwordMatches(r *http.Request, u persistence.User, found bool, pw string) bool {
	if !found || u.PasswordHash == "" {
		password.VerifyDummy(pw)
		return false
	}
	ok, err := password.Verify(u.PasswordHash, pw)
	if err != nil {
		loggerFrom(r.Context()).LogAttrs(r.Context(), slog.LevelError, "stored password hash unreadable",
			slog.String("user_id", u.ID), slog.String("error", err.Error()))
		return false
	}
	return ok
}

// handleAcceptInvite sets the password of the invite's user (once, before
// the invite expires) and signs them in: the answer of sign-in. An
// unknown, used, replaced or expired invite is 404 and counts as a failed
// sign-in of the client address.
func handleAcceptInvite(cfg Config) http.Handler {
	return signInRoute(cfg, "invite accepted", func(r *http.Request, q inviteRequest) (persistence.User, error, error) {
		hash, err := password.Hash(q.Password)
		if err != nil {
			return persistence.User{}, nil, err
		}
		u, err := cfg.Users.UseInvite(r.Context(), hashSecret(chi.URLParam(r, "token")), hash, cfg.Now())
		if errors.Is(err, persistence.ErrNotFound) {
			return u, fmt.Errorf("%w: this invite link is unknown, used, replaced or expired; ask an admin for a new one", ErrNotFound), nil
		}
		if err != nil {
			return u, nil, fmt.Errorf("accept invite: %w", err)
		}
		return u, nil, nil
	})
}

// handleLogout ends the cookie's session and clears the cookie: 204. A
// live session needs its CSRF token (403 otherwise); without one there is
// nothing to end.
func handleLogout(cfg Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie(SessionCookie); err == nil && cfg.Users != nil {
			s, err := loadSession(cfg, r)
			switch {
			case errors.Is(err, ErrUnauthorized):
			case err != nil:
				Error(w, r, err)
				return
			default:
				if err := checkCSRF(r, s); err != nil {
					Error(w, r, err)
					return
				}
				if err := cfg.Users.DeleteSession(r.Context(), s.IDHash); err != nil {
					Error(w, r, err)
					return
				}
			}
		}
		clearSessionCookie(w, cfg)
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleMe answers who is signed in: the answer of sign-in for a session
// (with its CSRF token), the token's subject, role and clinic for a bearer
// token.
func handleMe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := sessionFrom(r.Context()); s != nil {
			writeJSON(w, http.StatusOK, meView{User: viewUser(s.user), CSRFToken: s.CSRF})
			return
		}
		c := claimsFrom(r.Context())
		writeJSON(w, http.StatusOK, meView{User: userView{ID: c.Subject, Name: c.Name, Role: c.Role, ClinicID: c.ClinicID}})
	})
}
