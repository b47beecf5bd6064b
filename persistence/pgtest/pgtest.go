// Package pgtest gives tests their own Postgres schema on the database named
// by TEST_DATABASE_URL.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL is the environment variable naming the test database.
const EnvURL = "TEST_DATABASE_URL"

// BaseURL returns TEST_DATABASE_URL, or skips the test when it is unset.
func BaseURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Skipf("%s is not set; skipping Postgres test (e.g. %s=postgres://root@127.0.0.1:5432/test?sslmode=disable)", EnvURL, EnvURL)
	}
	return u
}

// NewSchema creates a fresh schema with a random name on the test database
// and drops it when the test ends. It skips the test when TEST_DATABASE_URL
// is unset and fails it when the database is unreachable.
func NewSchema(t testing.TB) (baseURL, schema string) {
	t.Helper()
	baseURL = BaseURL(t)
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema = "test_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, baseURL)
	if err != nil {
		t.Fatalf("pgtest: connect %s: %v", EnvURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, baseURL)
		if err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
	})
	return baseURL, schema
}

// NewSchemaURL is NewSchema returning a URL whose connections use the new
// schema as search_path, for code that only takes a URL.
func NewSchemaURL(t testing.TB) (dbURL, schema string) {
	t.Helper()
	base, schema := NewSchema(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: parse %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema
}
