package sqlstore

import (
	"context"
	"time"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// UserColumns are the columns of users in the order ScanUser reads them.
const UserColumns = "id, email, name, role, clinic_id, password_hash, disabled_at, created_at, updated_at"

// ScanUser reads a row of UserColumns.
func ScanUser(row Row) (persistence.User, error) {
	var u persistence.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.ClinicID, &u.PasswordHash, asUnsetTime(&u.DisabledAt), asTime(&u.CreatedAt), asTime(&u.UpdatedAt))
	if err != nil {
		return persistence.User{}, err
	}
	return u, nil
}

// CreateUser stores a new user; persistence.ErrDuplicate when its id or
// email is taken.
func (s Store) CreateUser(ctx context.Context, u persistence.User) error {
	created := normalize.Time(u.CreatedAt, s.Now())
	updated := normalize.Time(u.UpdatedAt, created)
	disabled := s.DB.Dialect().Unset
	if !u.DisabledAt.IsZero() {
		disabled = u.DisabledAt.UTC()
	}
	return change(ctx, s.DB, "create user", persistence.ErrDuplicate, `INSERT INTO users (`+UserColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
		u.ID, persistence.NormalEmail(u.Email), normalize.Text(u.Name), u.Role, u.ClinicID, u.PasswordHash,
		disabled, created, updated)
}

// GetUser returns the user with id or persistence.ErrNotFound.
func (s Store) GetUser(ctx context.Context, id string) (persistence.User, error) {
	return one(ctx, s.DB, "get user", ScanUser, "SELECT "+UserColumns+" FROM users WHERE id = $1", id)
}

// UserByEmail returns the user with email (any case) or
// persistence.ErrNotFound.
func (s Store) UserByEmail(ctx context.Context, email string) (persistence.User, error) {
	return one(ctx, s.DB, "get user", ScanUser, "SELECT "+UserColumns+" FROM users WHERE email = $1", persistence.NormalEmail(email))
}

// ListUsers returns every user ordered by email.
func (s Store) ListUsers(ctx context.Context) ([]persistence.User, error) {
	return all(ctx, s.DB, "list users", ScanUser, "SELECT "+UserColumns+" FROM users ORDER BY email")
}

// SetPassword sets a user's password hash; persistence.ErrNotFound when
// there is no such user.
func (s Store) SetPassword(ctx context.Context, id, hash string, at time.Time) error {
	return change(ctx, s.DB, "set password", persistence.ErrNotFound,
		`UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, id, hash, normalize.Time(at, s.Now()))
}

// GetSession returns the session with idHash or persistence.ErrNotFound.
func (s Store) GetSession(ctx context.Context, idHash string) (persistence.Session, error) {
	return one(ctx, s.DB, "get session", func(row Row) (persistence.Session, error) {
		var ss persistence.Session
		err := row.Scan(&ss.IDHash, &ss.UserID, &ss.CSRF, asTime(&ss.CreatedAt), asTime(&ss.LastSeen), asTime(&ss.ExpiresAt))
		return ss, err
	}, `SELECT id_hash, user_id, csrf_token, created_at, last_seen, expires_at
		FROM user_sessions WHERE id_hash = $1`, idHash)
}

// TouchSession moves a session's last use forward to at.
func (s Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	return exec(ctx, s.DB, "touch session", `UPDATE user_sessions SET last_seen = $2 WHERE id_hash = $1 AND last_seen < $2`,
		idHash, normalize.Time(at, s.Now()))
}

// DeleteSession deletes a session.
func (s Store) DeleteSession(ctx context.Context, idHash string) error {
	return exec(ctx, s.DB, "delete session", `DELETE FROM user_sessions WHERE id_hash = $1`, idHash)
}
