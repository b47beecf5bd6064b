package postgres

import (
	"context"
	"testing"

	"github.com/medspa/engine/persistence/storetest"
)

// Migration 0005 sets has_booking of the conversations stored before it
// from their state.
func TestMigrationBackfillsHasBooking(t *testing.T) {
	s := newStore(t)
	storetest.HasBookingBackfill(t, s, nil, func(ctx context.Context) error {
		if _, err := s.pool.Exec(ctx, `DROP INDEX conversations_phase, conversations_booking;
			ALTER TABLE conversations DROP COLUMN has_booking;
			DELETE FROM schema_migrations WHERE version = 5`); err != nil {
			return err
		}
		return migrate(ctx, s.pool, logger(Options{}))
	})
}
