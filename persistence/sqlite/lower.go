package sqlite

import (
	"database/sql/driver"
	"fmt"
	"strings"

	msqlite "modernc.org/sqlite"
)

// lowerFunc is the SQL name of strings.ToLower. SQLite's own lower() and
// LIKE fold ASCII letters only; the conversation list's text search folds
// every letter, as Postgres does in a UTF-8 database.
const lowerFunc = "medspa_lower"

func init() {
	msqlite.MustRegisterDeterministicScalarFunction(lowerFunc, 1, func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case string:
			return strings.ToLower(v), nil
		}
		return nil, fmt.Errorf("%s: want text, got %T", lowerFunc, args[0])
	})
}
