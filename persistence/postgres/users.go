package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
	"github.com/medspa/engine/persistence/internal/sqlstore"
)

var _ persistence.Users = (*Store)(nil)

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
		u, err = sqlstore.ScanUser(tx.QueryRow(ctx, `UPDATE users SET password_hash = $2, updated_at = $3
			WHERE id = $1 AND disabled_at IS NULL RETURNING `+sqlstore.UserColumns, userID, passwordHash, at))
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
