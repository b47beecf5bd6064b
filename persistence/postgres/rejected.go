package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/medspa/engine/persistence"
)

// rejected marks err as persistence.ErrRejected when Postgres refused the
// statement for what it contains: SQLSTATE class 22 (data exception: a
// value out of range, a byte sequence text cannot hold) or 23 (integrity
// constraint violation). The version fence and duplicate keys are not
// errors here (the statements check them), so neither class is ever a race
// that a retry would win. Anything else is returned as it is.
func rejected(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23")) {
		return fmt.Errorf("%w: %w", persistence.ErrRejected, err)
	}
	return err
}
