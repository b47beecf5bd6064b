package persistence

import (
	"context"
	"strings"
	"time"
)

// Roles of a staff user.
const (
	RoleAdmin   = "admin"   // every clinic; no clinic id
	RoleManager = "manager" // one clinic, and its settings
	RoleStaff   = "staff"   // one clinic
)

// User is a staff member who signs in to the inbox.
type User struct {
	ID       string
	Email    string // stored lower-case (NormalEmail); unique
	Name     string
	Role     string // RoleAdmin, RoleManager or RoleStaff
	ClinicID string // empty for RoleAdmin
	// PasswordHash is the PHC string of the password; empty until the
	// user accepts an invite.
	PasswordHash string
	// DisabledAt is when the user was disabled; zero while enabled.
	DisabledAt time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Disabled reports whether the user may no longer sign in.
func (u User) Disabled() bool { return !u.DisabledAt.IsZero() }

// Invite is a single-use link that lets a user set a password. Only the
// SHA-256 of its token is stored.
type Invite struct {
	TokenHash string // hex SHA-256 of the token
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Session is a signed-in browser. Only the SHA-256 of the cookie's value is
// stored; CSRF is the token the browser sends back in X-CSRF-Token.
type Session struct {
	IDHash    string // hex SHA-256 of the cookie value
	UserID    string
	CSRF      string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // the absolute end; idleness is the caller's rule
}

// NormalEmail is the form in which emails are stored and looked up:
// trimmed and lower-case, so that they are unique regardless of case.
func NormalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Users keeps staff users, their invites and sessions. Both stores
// implement it (persistence/storetest checks them with one suite).
type Users interface {
	// CreateUser stores a new user (email normalised); ErrDuplicate when
	// its id or email is taken.
	CreateUser(ctx context.Context, u User) error
	// GetUser returns the user with id, or ErrNotFound.
	GetUser(ctx context.Context, id string) (User, error)
	// UserByEmail returns the user with email (any case), or ErrNotFound.
	UserByEmail(ctx context.Context, email string) (User, error)
	// ListUsers returns every user ordered by email.
	ListUsers(ctx context.Context) ([]User, error)
	// SetPassword sets a user's password hash; ErrNotFound when no such
	// user.
	SetPassword(ctx context.Context, id, hash string, at time.Time) error
	// DisableUser marks a user disabled as of at (an earlier mark is
	// kept) and deletes the user's sessions and unused invites, in one
	// transaction; ErrNotFound when no such user.
	DisableUser(ctx context.Context, id string, at time.Time) error
	// CreateInvite stores an invite and voids the user's other unused
	// invites; ErrNotFound when no such user.
	CreateInvite(ctx context.Context, inv Invite) error
	// UseInvite marks the invite with tokenHash used, sets its user's
	// password to passwordHash and deletes the user's sessions, once:
	// ErrNotFound when the invite is unknown, used, void, expired at at,
	// or its user is disabled.
	UseInvite(ctx context.Context, tokenHash, passwordHash string, at time.Time) (User, error)
	// CreateSession stores a session (deleting the user's sessions that
	// expired by its creation); ErrNotFound when no such user.
	CreateSession(ctx context.Context, s Session) error
	// GetSession returns the session with idHash, or ErrNotFound.
	GetSession(ctx context.Context, idHash string) (Session, error)
	// TouchSession sets a session's last use to at (never backwards).
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	// DeleteSession deletes a session; no error when there is none.
	DeleteSession(ctx context.Context, idHash string) error
	// TakeRate is Store.TakeRate: failed sign-ins are counted with it.
	TakeRate(ctx context.Context, at time.Time, checks []RateCheck) (RateResult, error)
	// PeekRate reports what Store.TakeRate would answer at at for checks,
	// counting nothing: not OK, with the first full check and its window's
	// end, when one of them has no room.
	PeekRate(ctx context.Context, at time.Time, checks []RateCheck) (RateResult, error)
}
