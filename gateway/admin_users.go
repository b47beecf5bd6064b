package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/persistence"
)

// InviteLifetime is how long an invite link can be used.
const InviteLifetime = 72 * time.Hour

// Bounds of a user's fields.
const (
	maxEmail    = 254
	maxUserName = 100
)

// NewUserRequest is the body of POST /admin/users.
type NewUserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	ClinicID string `json:"clinic_id"`
}

// Valid names what is wrong, field by field; known must know the clinic
// of a staff or manager user.
func (q NewUserRequest) Valid(known func(clinicID string) bool) map[string]string {
	f := map[string]string{}
	if a, err := mail.ParseAddress(q.Email); err != nil || a.Address != strings.TrimSpace(q.Email) || len(q.Email) > maxEmail {
		f["email"] = "an email address such as ana@example.com, at most 254 characters"
	}
	if name := strings.TrimSpace(q.Name); name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxUserName {
		f["name"] = "required, at most 100 characters"
	}
	switch q.Role {
	case RoleAdmin:
		if q.ClinicID != "" {
			f["clinic_id"] = "an admin works for every clinic: leave it empty"
		}
	case RoleManager, RoleStaff:
		if q.ClinicID == "" {
			f["clinic_id"] = "required for " + q.Role
		} else if !known(q.ClinicID) {
			f["clinic_id"] = "unknown clinic"
		}
	default:
		f["role"] = "staff, manager or admin"
	}
	return f
}

// NewUser is the user q describes, with a fresh id.
func (q NewUserRequest) NewUser(now time.Time) persistence.User {
	return persistence.User{ID: "usr_" + randomHex(10), Email: persistence.NormalEmail(q.Email), Name: strings.TrimSpace(q.Name),
		Role: q.Role, ClinicID: q.ClinicID, CreatedAt: now, UpdatedAt: now}
}

// NewInvite stores a new invite for the user (voiding the older ones) and
// returns its link, <baseURL>/inbox/#invite=<token> (the token rides in the
// fragment, so it stays out of server logs), and its end.
func NewInvite(ctx context.Context, users persistence.Users, baseURL, userID string, now time.Time) (string, time.Time, error) {
	token, err := newSecret()
	if err != nil {
		return "", time.Time{}, err
	}
	exp := now.Add(InviteLifetime)
	if err := users.CreateInvite(ctx, persistence.Invite{TokenHash: hashSecret(token), UserID: userID, CreatedAt: now, ExpiresAt: exp}); err != nil {
		return "", time.Time{}, fmt.Errorf("create invite: %w", err)
	}
	return strings.TrimRight(baseURL, "/") + "/inbox/#invite=" + token, exp, nil
}

// adminUserView is a user as the admin routes answer it: status is
// invited (no password yet), active or disabled.
type adminUserView struct {
	userView
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

func viewAdminUser(u persistence.User) adminUserView {
	v := adminUserView{userView: viewUser(u), Status: "active", CreatedAt: u.CreatedAt.UTC()}
	switch {
	case u.Disabled():
		at := u.DisabledAt.UTC()
		v.Status, v.DisabledAt = "disabled", &at
	case u.PasswordHash == "":
		v.Status = "invited"
	}
	return v
}

// inviteView is the answer of creating a user and of a reset.
type inviteView struct {
	User      adminUserView `json:"user"`
	InviteURL string        `json:"invite_url"`
	ExpiresAt time.Time     `json:"expires_at"`
}

// handleCreateUser answers POST /admin/users: 201 with the user and an
// invite link; 409 when the email is taken.
func handleCreateUser(cfg Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !usersReady(w, r, cfg) {
			return
		}
		var q NewUserRequest
		if err := readJSON(w, r, authBody, &q); err != nil {
			Error(w, r, err)
			return
		}
		known := func(id string) bool { _, ok := cfg.Clinics.ByID(id); return ok }
		if err := invalid(q.Valid(known)); err != nil {
			Error(w, r, err)
			return
		}
		now := cfg.Now()
		u := q.NewUser(now)
		if err := cfg.Users.CreateUser(r.Context(), u); err != nil {
			if errors.Is(err, persistence.ErrDuplicate) {
				err = fmt.Errorf("%w: a user with this email exists", ErrConflict)
			}
			Error(w, r, err)
			return
		}
		answerInvite(w, r, cfg, u, now, http.StatusCreated, "user created", slog.String("role", u.Role))
	})
}

// answerInvite stores a new invite for u and answers status with the user
// and the link; the admin's action is logged as event.
func answerInvite(w http.ResponseWriter, r *http.Request, cfg Config, u persistence.User, now time.Time, status int, event string, attrs ...slog.Attr) {
	link, exp, err := NewInvite(r.Context(), cfg.Users, cfg.PublicBaseURL, u.ID, now)
	if err != nil {
		Error(w, r, err)
		return
	}
	logUserAction(r, event, u.ID, attrs...)
	writeJSON(w, status, inviteView{User: viewAdminUser(u), InviteURL: link, ExpiresAt: exp.UTC()})
}

// logUserAction logs what an admin did to a user: the user, attrs, and the
// admin.
func logUserAction(r *http.Request, event, userID string, attrs ...slog.Attr) {
	all := append([]slog.Attr{slog.String("user_id", userID)}, attrs...)
	all = append(all, slog.String("by", claimsFrom(r.Context()).Subject))
	loggerFrom(r.Context()).LogAttrs(r.Context(), slog.LevelInfo, event, all...)
}

// userParam loads the user named by {id}: 404 when there is none.
func userParam(w http.ResponseWriter, r *http.Request, cfg Config) (persistence.User, bool) {
	u, err := cfg.Users.GetUser(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, persistence.ErrNotFound) {
		err = fmt.Errorf("%w: no user with this id", ErrNotFound)
	}
	if err != nil {
		Error(w, r, err)
		return u, false
	}
	return u, true
}

// userRoute serves a route on the user named by {id}: 503 without a user
// store, 404 when there is no such user.
func userRoute(cfg Config, serve func(w http.ResponseWriter, r *http.Request, u persistence.User)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !usersReady(w, r, cfg) {
			return
		}
		if u, ok := userParam(w, r, cfg); ok {
			serve(w, r, u)
		}
	})
}

// handleResetUser answers POST /admin/users/{id}/reset with a new invite
// link; the user's older links stop working. The password stays until
// the link is used, which also ends the user's other sessions. 409 for a
// disabled user.
func handleResetUser(cfg Config) http.Handler {
	return userRoute(cfg, func(w http.ResponseWriter, r *http.Request, u persistence.User) {
		if u.Disabled() {
			Error(w, r, fmt.Errorf("%w: the user is disabled", ErrConflict))
			return
		}
		answerInvite(w, r, cfg, u, cfg.Now(), http.StatusOK, "user invite reset")
	})
}

// handleDisableUser answers POST /admin/users/{id}/disable: the user can
// no longer sign in, and their sessions and invite links end at once.
func handleDisableUser(cfg Config) http.Handler {
	return userRoute(cfg, func(w http.ResponseWriter, r *http.Request, u persistence.User) {
		if err := cfg.Users.DisableUser(r.Context(), u.ID, cfg.Now()); err != nil {
			Error(w, r, err)
			return
		}
		u, ok := userParam(w, r, cfg)
		if !ok {
			return
		}
		logUserAction(r, "user disabled", u.ID)
		writeJSON(w, http.StatusOK, map[string]any{"user": viewAdminUser(u)})
	})
}

// handleListUsers answers GET /admin/users: every user, by email.
func handleListUsers(cfg Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !usersReady(w, r, cfg) {
			return
		}
		list, err := cfg.Users.ListUsers(r.Context())
		if err != nil {
			Error(w, r, err)
			return
		}
		writeItems(w, list, viewAdminUser)
	})
}
