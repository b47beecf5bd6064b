package sqlite

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"

	"github.com/medspa/engine/persistence"
)

// Primary SQLite result codes: a database another connection holds, and a
// statement refused for its content.
const (
	sqliteBusy       = 5  // SQLITE_BUSY: the database is locked by another connection
	sqliteTooBig     = 18 // SQLITE_TOOBIG: a string or blob over the limit
	sqliteConstraint = 19 // SQLITE_CONSTRAINT: a constraint or trigger refused it
	sqliteMismatch   = 20 // SQLITE_MISMATCH: a value of the wrong type
)

// rejected marks err as persistence.ErrRejected when SQLite refused the
// statement for what it contains (the counterpart of Postgres classes 22
// and 23); a busy or locked database, a full disk and the like are
// returned as they are.
func rejected(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteTooBig, sqliteConstraint, sqliteMismatch:
			return fmt.Errorf("%w: %w", persistence.ErrRejected, err)
		}
	}
	return err
}
