package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

var _ persistence.Users = (*Store)(nil)

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
		u, err = sqlstore.ScanUser(tx.QueryRowContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ?
			WHERE id = ? AND disabled_at = 0 RETURNING `+sqlstore.UserColumns, passwordHash, us, userID))
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
