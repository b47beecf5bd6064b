package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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
	res, err := s.w.ExecContext(ctx, `INSERT INTO users (`+userColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		u.ID, persistence.NormalEmail(u.Email), normalize.Text(u.Name), u.Role, u.ClinicID, u.PasswordHash,
		zeroMicros(u.DisabledAt), created.UnixMicro(), updated.UnixMicro())
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return oneRow(res, persistence.ErrDuplicate, "create user")
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
	u, err := scanUser(s.r.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+col+" = ?", v))
	if errors.Is(err, sql.ErrNoRows) {
		return persistence.User{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.User{}, fmt.Errorf("get user: %w", err)
	}
	return u, nil
}

// ListUsers returns every user ordered by email.
func (s *Store) ListUsers(ctx context.Context) ([]persistence.User, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY email")
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
	res, err := s.w.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`,
		hash, normalize.Time(at, s.now()).UnixMicro(), id)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return oneRow(res, persistence.ErrNotFound, "set password")
}

// DisableUser marks a user disabled and deletes its sessions and unused
// invites in one transaction.
func (s *Store) DisableUser(ctx context.Context, id string, at time.Time) error {
	us := normalize.Time(at, s.now()).UnixMicro()
	return s.inTx(ctx, "disable user", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = CASE WHEN disabled_at = 0 THEN ? ELSE disabled_at END,
			updated_at = ? WHERE id = ?`, us, us, id)
		if err != nil {
			return err
		}
		if err := oneRow(res, persistence.ErrNotFound, "disable user"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = ?`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM user_invites WHERE user_id = ? AND used_at = 0`, id)
		return err
	})
}

// CreateInvite stores an invite and voids the user's other unused ones.
func (s *Store) CreateInvite(ctx context.Context, inv persistence.Invite) error {
	created := normalize.Time(inv.CreatedAt, s.now())
	return s.inTx(ctx, "create invite", func(tx *sql.Tx) error {
		if err := userExists(ctx, tx, inv.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_invites WHERE user_id = ? AND used_at = 0`, inv.UserID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO user_invites (token_hash, user_id, created_at, expires_at)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, inv.TokenHash, inv.UserID, created.UnixMicro(), inv.ExpiresAt.UnixMicro())
		if err != nil {
			return err
		}
		return oneRow(res, persistence.ErrDuplicate, "create invite")
	})
}

// UseInvite marks the invite used and sets its user's password, once.
func (s *Store) UseInvite(ctx context.Context, tokenHash, passwordHash string, at time.Time) (persistence.User, error) {
	us := normalize.Time(at, s.now()).UnixMicro()
	var u persistence.User
	err := s.inTx(ctx, "use invite", func(tx *sql.Tx) error {
		var userID string
		err := tx.QueryRowContext(ctx, `UPDATE user_invites SET used_at = ?
			WHERE token_hash = ? AND used_at = 0 AND expires_at > ? RETURNING user_id`, us, tokenHash, us).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return persistence.ErrNotFound
		}
		if err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ?
			WHERE id = ? AND disabled_at = 0 RETURNING `+userColumns, passwordHash, us, userID))
		if errors.Is(err, sql.ErrNoRows) {
			return persistence.ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = ?`, userID)
		return err
	})
	return u, err
}

// CreateSession stores a session and deletes the user's expired ones.
func (s *Store) CreateSession(ctx context.Context, ss persistence.Session) error {
	created := normalize.Time(ss.CreatedAt, s.now())
	seen := normalize.Time(ss.LastSeen, created)
	return s.inTx(ctx, "create session", func(tx *sql.Tx) error {
		if err := userExists(ctx, tx, ss.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = ? AND expires_at <= ?`,
			ss.UserID, created.UnixMicro()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO user_sessions (id_hash, user_id, csrf_token, created_at, last_seen, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, ss.IDHash, ss.UserID, ss.CSRF,
			created.UnixMicro(), seen.UnixMicro(), ss.ExpiresAt.UnixMicro())
		if err != nil {
			return err
		}
		return oneRow(res, persistence.ErrDuplicate, "create session")
	})
}

// GetSession returns the session with idHash or persistence.ErrNotFound.
func (s *Store) GetSession(ctx context.Context, idHash string) (persistence.Session, error) {
	var ss persistence.Session
	var created, seen, expires int64
	err := s.r.QueryRowContext(ctx, `SELECT id_hash, user_id, csrf_token, created_at, last_seen, expires_at
		FROM user_sessions WHERE id_hash = ?`, idHash).Scan(&ss.IDHash, &ss.UserID, &ss.CSRF, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return persistence.Session{}, persistence.ErrNotFound
	}
	if err != nil {
		return persistence.Session{}, fmt.Errorf("get session: %w", err)
	}
	ss.CreatedAt, ss.LastSeen, ss.ExpiresAt = micros(created), micros(seen), micros(expires)
	return ss, nil
}

// TouchSession moves a session's last use forward to at.
func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	us := normalize.Time(at, s.now()).UnixMicro()
	if _, err := s.w.ExecContext(ctx, `UPDATE user_sessions SET last_seen = ? WHERE id_hash = ? AND last_seen < ?`,
		us, idHash, us); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession deletes a session.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM user_sessions WHERE id_hash = ?`, idHash); err != nil {
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
	for i, c := range checks {
		var start, end int64
		var hits int
		err := s.r.QueryRowContext(ctx, `SELECT window_start, window_end, hits FROM rate_counts WHERE key = ?`, c.Key).
			Scan(&start, &end, &hits)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return persistence.RateResult{}, fmt.Errorf("peek rate: %w", err)
		}
		from, _ := persistence.RateWindow(at, c.Window)
		if start >= from.UnixMicro() && hits >= c.Max {
			return persistence.RateResult{Full: i, Until: micros(end)}, nil
		}
	}
	return persistence.RateResult{OK: true}, nil
}

// inTx runs fn in one write transaction; errors other than the store's
// sentinels are wrapped with what.
func (s *Store) inTx(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		if errors.Is(err, persistence.ErrNotFound) || errors.Is(err, persistence.ErrDuplicate) {
			return err
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func userExists(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return persistence.ErrNotFound
	}
	return err
}

// oneRow returns none when res changed no row.
func oneRow(res sql.Result, none error, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return none
	}
	return nil
}

func scanUser(row interface{ Scan(...any) error }) (persistence.User, error) {
	var u persistence.User
	var disabled, created, updated int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.ClinicID, &u.PasswordHash, &disabled, &created, &updated); err != nil {
		return persistence.User{}, err
	}
	if disabled != 0 {
		u.DisabledAt = micros(disabled)
	}
	u.CreatedAt, u.UpdatedAt = micros(created), micros(updated)
	return u, nil
}

// zeroMicros is 0 for the zero time, else its Unix microseconds.
func zeroMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}
