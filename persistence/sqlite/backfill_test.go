package sqlite

import (
	"context"
	"testing"

	"github.com/medspa/engine/persistence/storetest"
)

// Migration 0005 sets has_booking of the conversations stored before it
// from their state; states that are not JSON are left false.
func TestMigrationBackfillsHasBooking(t *testing.T) {
	s := newStore(t)
	notJSON := map[string]string{"not json": `not json "status":"booked"`}
	storetest.HasBookingBackfill(t, s, notJSON, func(ctx context.Context) error {
		for _, stmt := range []string{
			"DROP INDEX conversations_phase",
			"DROP INDEX conversations_booking",
			"ALTER TABLE conversations DROP COLUMN has_booking",
			"DELETE FROM schema_migrations WHERE version = 5",
		} {
			if _, err := s.w.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return migrate(ctx, s.w, logger(Options{}), s.now)
	})
}
