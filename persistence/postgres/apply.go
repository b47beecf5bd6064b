package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/internal/normalize"
)

// Each commit is one statement whose parts depend on each other through
// data-modifying CTEs, so a failed commit writes nothing without a
// savepoint:
//   - s writes the snapshot only if the version fence holds and the dedup
//     key is not yet applied;
//   - d records the dedup key only if s wrote;
//   - t and o add transcript and outbox rows only if s wrote.
//
// The only way s and d can disagree is a concurrent transaction recording
// the same dedup key for another conversation between the check and the
// insert; Apply then rolls back and reruns the batch with savepoints.
const (
	insertSnapshot = `s AS (
	INSERT INTO conversations (clinic_id, lead_id, phone, name, phase, version, state, created_at, updated_at)
	SELECT $1::text, $2::text, $4::text, $5::text, $6::text, $3::bigint + 1, $7::bytea, $8::timestamptz, $9::timestamptz
	WHERE $10::text = '' OR NOT EXISTS (SELECT 1 FROM applied_messages WHERE dedup_key = $10::text)
	ON CONFLICT (clinic_id, lead_id) DO NOTHING
	RETURNING 1
)`
	updateSnapshot = `s AS (
	UPDATE conversations
	SET version = version + 1, phone = $4::text, name = $5::text, phase = $6::text, state = $7::bytea, updated_at = $9::timestamptz
	WHERE clinic_id = $1::text AND lead_id = $2::text AND version = $3::bigint
	  AND $8::timestamptz IS NOT NULL
	  AND ($10::text = '' OR NOT EXISTS (SELECT 1 FROM applied_messages WHERE dedup_key = $10::text))
	RETURNING 1
)`
	commitTail = `, d AS (
	INSERT INTO applied_messages (dedup_key, clinic_id, lead_id, applied_at)
	SELECT $10::text, $1::text, $2::text, $9::timestamptz
	WHERE $10::text <> '' AND EXISTS (SELECT 1 FROM s)
	ON CONFLICT (dedup_key) DO NOTHING
	RETURNING 1
), t AS (
	INSERT INTO transcript (id, clinic_id, lead_id, direction, author, text, at)
	SELECT u.id, $1::text, $2::text, u.direction, u.author, u.text, u.at
	FROM unnest($11::text[], $12::text[], $13::text[], $14::text[], $15::timestamptz[])
	     WITH ORDINALITY AS u(id, direction, author, text, at, ord)
	WHERE EXISTS (SELECT 1 FROM s)
	ORDER BY u.ord
	ON CONFLICT (id) DO NOTHING
), o AS (
	INSERT INTO outbox (id, subject, payload, created_at)
	SELECT u.id, u.subject, u.payload, u.created_at
	FROM unnest($16::text[], $17::text[], $18::bytea[], $19::timestamptz[])
	     WITH ORDINALITY AS u(id, subject, payload, created_at, ord)
	WHERE EXISTS (SELECT 1 FROM s)
	ORDER BY u.ord
	ON CONFLICT (id) DO NOTHING
)
SELECT EXISTS (SELECT 1 FROM s), EXISTS (SELECT 1 FROM d),
       $10::text <> '' AND EXISTS (SELECT 1 FROM applied_messages WHERE dedup_key = $10::text)`

	insertCommit = "WITH " + insertSnapshot + commitTail
	updateCommit = "WITH " + updateSnapshot + commitTail
)

// outcome is what one commit statement reports.
type outcome struct {
	wrote    bool // the snapshot was written
	recorded bool // the dedup key was recorded
	seen     bool // the dedup key was already applied
}

// Apply writes the batch in one transaction, pipelined in one round trip.
func (s *Store) Apply(ctx context.Context, commits []persistence.Commit) ([]error, error) {
	if len(commits) == 0 {
		return nil, nil
	}
	now := time.Now()
	cs := make([]persistence.Commit, len(commits))
	for i, c := range commits {
		cs[i] = normalize.Commit(c, now)
	}
	if !s.savepoints {
		results, raced, err := s.applyPipelined(ctx, cs)
		if err != nil || !raced {
			return results, err
		}
		s.log.WarnContext(ctx, "apply raced on a dedup key, retrying with savepoints")
	}
	return s.applySavepoints(ctx, cs)
}

// applyPipelined sends every commit statement in one batch. raced reports a
// commit whose parts disagreed; the transaction is then rolled back.
func (s *Store) applyPipelined(ctx context.Context, cs []persistence.Commit) (results []error, raced bool, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("apply: begin: %w", err)
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // no-op after commit

	b := &pgx.Batch{}
	for _, c := range cs {
		queueCommit(b, c)
	}
	outs := make([]outcome, len(cs))
	br := tx.SendBatch(ctx, b)
	for i := range cs {
		if err := br.QueryRow().Scan(&outs[i].wrote, &outs[i].recorded, &outs[i].seen); err != nil {
			br.Close()
			return nil, false, fmt.Errorf("apply commit %d: %w", i, err)
		}
	}
	if err := br.Close(); err != nil {
		return nil, false, fmt.Errorf("apply: %w", err)
	}
	results = make([]error, len(cs))
	for i, o := range outs {
		switch {
		case o.wrote && (o.recorded || cs[i].DedupKey == ""):
		case !o.wrote && !o.recorded:
			results[i] = persistence.ErrVersionConflict
			if o.seen {
				results[i] = persistence.ErrDuplicate
			}
		default:
			return nil, true, nil
		}
	}
	if err := classify(ctx, tx, cs, results); err != nil {
		return nil, false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, false, fmt.Errorf("apply: commit: %w", err)
	}
	return results, false, nil
}

// applySavepoints runs each commit statement inside a savepoint and rolls
// back to it when the commit's parts disagree.
func (s *Store) applySavepoints(ctx context.Context, cs []persistence.Commit) ([]error, error) {
	results := make([]error, len(cs))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for i, c := range cs {
			b := &pgx.Batch{}
			b.Queue("SAVEPOINT apply_commit")
			queueCommit(b, c)
			var o outcome
			br := tx.SendBatch(ctx, b)
			_, err := br.Exec()
			if err == nil {
				err = br.QueryRow().Scan(&o.wrote, &o.recorded, &o.seen)
			}
			if cerr := br.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("apply commit %d: %w", i, err)
			}
			end := "RELEASE SAVEPOINT apply_commit"
			switch {
			case o.wrote && (o.recorded || c.DedupKey == ""):
			case o.wrote: // the key was recorded concurrently
				results[i] = persistence.ErrDuplicate
				end = "ROLLBACK TO SAVEPOINT apply_commit; RELEASE SAVEPOINT apply_commit"
			default:
				results[i] = persistence.ErrVersionConflict
				if o.seen {
					results[i] = persistence.ErrDuplicate
				}
			}
			if _, err := tx.Exec(ctx, end); err != nil {
				return fmt.Errorf("apply commit %d: %w", i, err)
			}
		}
		return classify(ctx, tx, cs, results)
	})
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	return results, nil
}

// classify turns a version conflict into a duplicate when the commit's dedup
// key is applied by now: a concurrent transaction applied the same message
// while this one waited for the row.
func classify(ctx context.Context, tx pgx.Tx, cs []persistence.Commit, results []error) error {
	var keys []string
	for i, r := range results {
		if r == persistence.ErrVersionConflict && cs[i].DedupKey != "" {
			keys = append(keys, cs[i].DedupKey)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, "SELECT dedup_key FROM applied_messages WHERE dedup_key = ANY($1)", keys)
	if err != nil {
		return fmt.Errorf("classify conflicts: %w", err)
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("classify conflicts: %w", err)
	}
	seen := make(map[string]bool, len(applied))
	for _, k := range applied {
		seen[k] = true
	}
	for i, r := range results {
		if r == persistence.ErrVersionConflict && seen[cs[i].DedupKey] {
			results[i] = persistence.ErrDuplicate
		}
	}
	return nil
}

func queueCommit(b *pgx.Batch, c persistence.Commit) {
	sn := c.Snapshot
	n := len(c.Transcript)
	trID, trDir, trAuthor, trText := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	trAt := make([]time.Time, n)
	for i, e := range c.Transcript {
		trID[i], trDir[i], trAuthor[i], trText[i], trAt[i] = e.ID, e.Direction, e.Author, e.Text, e.At
	}
	m := len(c.Outbox)
	obID, obSubject, obPayload := make([]string, m), make([]string, m), make([][]byte, m)
	obCreated := make([]time.Time, m)
	for i, o := range c.Outbox {
		obID[i], obSubject[i], obPayload[i], obCreated[i] = o.ID, o.Subject, o.Payload, o.Created
	}
	query := updateCommit
	if sn.Version == 0 {
		query = insertCommit
	}
	b.Queue(query,
		sn.ClinicID, sn.LeadID, sn.Version, sn.Phone, sn.Name, sn.Phase, sn.State, sn.CreatedAt, sn.UpdatedAt,
		c.DedupKey,
		trID, trDir, trAuthor, trText, trAt,
		obID, obSubject, obPayload, obCreated)
}
