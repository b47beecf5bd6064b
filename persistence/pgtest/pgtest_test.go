package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestNewSchemaURL(t *testing.T) {
	ctx := context.Background()
	var schema string
	t.Run("use", func(t *testing.T) {
		var u string
		u, schema = NewSchemaURL(t)
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var got string
		if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != schema {
			t.Errorf("current_schema() = %q, want %q", got, schema)
		}
	})
	conn, err := pgx.Connect(ctx, BaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("schema %s still exists after the test", schema)
	}
}
