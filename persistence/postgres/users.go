package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

var _ persistence.Users = (*Store)(nil)

const userColumns = "id, email, name, role, clinic_id, password_hash, disabled_at, created_at, updated_at"

// CreateUser stores a new user; persistence.ErrDuplicate when its id or
// email is taken.
func (s *Store) CreateUser(ctx context.Context, u persistence.User) error {
	created := normalize.Time(u.CreatedAt, s.now())
	updated := normalize.Time(u.UpdatedAt, created)
	tag, err := s.pool.Exec(ctx, `INSERT INTO users (`+userColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
		u.ID, persistence.NormalEmail(u.Email), normalize.Text(u.Name), u.Role, u.ClinicID, u.PasswordHash,
		nullTime(u.DisabledAt), created, updated)
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return persistence.ErrDuplicate
	}
	return nil
}

// GetUser returns the user with id or persistence.ErrNotFound.
func (s *Store) GetUser(ctx context.Context, id string) (persistence.User, error) {
	return s.oneUser(ctx, "id", id)
}

// UserByEmail returns the user with email (any case) or
// persistence.ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (persistence.User, error) {
	return s.oneUser(ctx, "email", persistence.NormalEmail(email))
}

func (s *Store) oneUser(ctx context.Context, col, v string) (persistence.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE "+col+" = $1", v))
	if errors.Is(err, pgx.ErrNoRows) {
		return persistence.User{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.User{}, fmt.Errorf("get user: %w", err)
	}
	return u, nil
}

// ListUsers returns every user ordered by email.
func (s *Store) ListUsers(ctx context.Context) ([]persistence.User, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+userColumns+" FROM users ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []persistence.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// SetPassword sets a user's password hash.
func (s *Store) SetPassword(ctx context.Context, id, hash string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`,
		id, hash, normalize.Time(at, s.now()))
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return persistence.ErrNotFound
	}
	return nil
}

// DisableUser marks a user disabled and deletes its sessions and unused
// invites in one transaction.
func (s *Store) DisableUser(ctx context.Context, id string, at time.Time) error {
	at = normalize.Time(at, s.now())
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET disabled_at = COALESCE(disabled_at, $2), updated_at = $2 WHERE id = $1`, id, at)
		if err != nil {
			return fmt.Errorf("disable user: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return persistence.ErrNotFound
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("disable user: sessions: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_invites WHERE user_id = $1 AND used_at IS NULL`, id); err != nil {
			return fmt.Errorf("disable user: invites: %w", err)
		}
		return nil
	})
}

// CreateInvite stores an invite and voids the user's other unused ones.
func (s *Store) CreateInvite(ctx context.Context, inv persistence.Invite) error {
	created := normalize.Time(inv.CreatedAt, s.now())
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, inv.UserID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return persistence.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("create invite: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_invites WHERE user_id = $1 AND used_at IS NULL`, inv.UserID); err != nil {
			return fmt.Errorf("create invite: void old: %w", err)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO user_invites (token_hash, user_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, inv.TokenHash, inv.UserID, created, inv.ExpiresAt.UTC())
		if err != nil {
			return fmt.Errorf("create invite: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return persistence.ErrDuplicate
		}
		return nil
	})
}

// UseInvite marks the invite used and sets its user's password, once.
func (s *Store) UseInvite(ctx context.Context, tokenHash, passwordHash string, at time.Time) (persistence.User, error) {
	at = normalize.Time(at, s.now())
	var u persistence.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var userID string
		err := tx.QueryRow(ctx, `UPDATE user_invites SET used_at = $2
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
			RETURNING user_id`, tokenHash, at).Scan(&userID)
		if errors.Is(err, pgx.ErrNoRows) {
			return persistence.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("use invite: %w", err)
		}
		u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET password_hash = $2, updated_at = $3
			WHERE id = $1 AND disabled_at IS NULL RETURNING `+userColumns, userID, passwordHash, at))
		if errors.Is(err, pgx.ErrNoRows) {
			return persistence.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("use invite: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("use invite: end sessions: %w", err)
		}
		return nil
	})
	return u, err
}

// CreateSession stores a session and deletes the user's expired ones.
func (s *Store) CreateSession(ctx context.Context, ss persistence.Session) error {
	created := normalize.Time(ss.CreatedAt, s.now())
	seen := normalize.Time(ss.LastSeen, created)
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM users WHERE id = $1`, ss.UserID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return persistence.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = $1 AND expires_at <= $2`, ss.UserID, created); err != nil {
			return fmt.Errorf("create session: prune: %w", err)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO user_sessions (id_hash, user_id, csrf_token, created_at, last_seen, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, ss.IDHash, ss.UserID, ss.CSRF, created, seen, ss.ExpiresAt.UTC())
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return persistence.ErrDuplicate
		}
		return nil
	})
}

// GetSession returns the session with idHash or persistence.ErrNotFound.
func (s *Store) GetSession(ctx context.Context, idHash string) (persistence.Session, error) {
	var ss persistence.Session
	err := s.pool.QueryRow(ctx, `SELECT id_hash, user_id, csrf_token, created_at, last_seen, expires_at
		FROM user_sessions WHERE id_hash = $1`, idHash).Scan(&ss.IDHash, &ss.UserID, &ss.CSRF, &ss.CreatedAt, &ss.LastSeen, &ss.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return persistence.Session{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.Session{}, fmt.Errorf("get session: %w", err)
	}
	ss.CreatedAt, ss.LastSeen, ss.ExpiresAt = ss.CreatedAt.UTC(), ss.LastSeen.UTC(), ss.ExpiresAt.UTC()
	return ss, nil
}

// TouchSession moves a session's last use forward to at.
func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE user_sessions SET last_seen = $2 WHERE id_hash = $1 AND last_seen < $2`,
		idHash, normalize.Time(at, s.now())); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession deletes a session.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM user_sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// PeekRate reports whether a take of checks at at would be refused,
// counting nothing.
func (s *Store) PeekRate(ctx context.Context, at time.Time, checks []persistence.RateCheck) (persistence.RateResult, error) {
	if err := persistence.ValidateRateChecks(checks); err != nil {
		return persistence.RateResult{}, err
	}
	keys := make([]string, len(checks))
	for i, c := range checks {
		keys[i] = c.Key
	}
	type count struct {
		start, end time.Time
		hits       int
	}
	counts := map[string]count{}
	rows, err := s.pool.Query(ctx, `SELECT key, window_start, window_end, hits FROM rate_counts WHERE key = ANY($1)`, keys)
	if err != nil {
		return persistence.RateResult{}, fmt.Errorf("peek rate: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var c count
		if err := rows.Scan(&k, &c.start, &c.end, &c.hits); err != nil {
			return persistence.RateResult{}, fmt.Errorf("peek rate: %w", err)
		}
		counts[k] = c
	}
	if err := rows.Err(); err != nil {
		return persistence.RateResult{}, fmt.Errorf("peek rate: %w", err)
	}
	for i, c := range checks {
		start, _ := persistence.RateWindow(at, c.Window)
		if n, ok := counts[c.Key]; ok && !n.start.Before(start) && n.hits >= c.Max {
			return persistence.RateResult{Full: i, Until: n.end.UTC()}, nil
		}
	}
	return persistence.RateResult{OK: true}, nil
}

func scanUser(row pgx.Row) (persistence.User, error) {
	var u persistence.User
	var disabled *time.Time
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.ClinicID, &u.PasswordHash, &disabled, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return persistence.User{}, err
	}
	if disabled != nil {
		u.DisabledAt = disabled.UTC()
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, nil
}

// nullTime is NULL for the zero time.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
