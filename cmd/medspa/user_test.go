package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/medspa/engine/internal/directory"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/persistence/sqlite"
)

// `medspa user add` prints an invite link that works on a gateway over the
// same store; list shows the user; disable ends its sign-in.
func TestUserCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := map[string]string{"DATA_DIR": dir, "PUBLIC_BASE_URL": "https://inbox.example.com"}
	getenv := func(k string) string { return env[k] }
	cmd := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append([]string{"user"}, args...), getenv, &out, &errOut)
		return out.String(), err
	}
	out, err := cmd("add", "--email", "Owner@Example.com", "--name", "Olga Owner", "--role", "admin")
	if err != nil {
		t.Fatalf("user add: %v", err)
	}
	m := regexp.MustCompile(`https://inbox\.example\.com/inbox/#invite=(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("user add printed no invite link:\n%s", out)
	}
	if _, err := cmd("add", "--email", "owner@example.com", "--name", "Again", "--role", "admin"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("adding the email again: %v", err)
	}
	if _, err := cmd("add", "--email", "x@example.com", "--name", "X", "--role", "staff", "--clinic", "nowhere"); err == nil || !strings.Contains(err.Error(), "--clinic: unknown clinic") {
		t.Errorf("unknown clinic: %v", err)
	}
	old := stdin
	t.Cleanup(func() { stdin = old })
	stdin = strings.NewReader("staff password 123\n")
	if _, err := cmd("add", "--email", "sam@example.com", "--name", "Sam", "--role", "staff", "--clinic", clinic.Demo()[0].ID, "--password-stdin"); err != nil {
		t.Fatalf("user add --password-stdin: %v", err)
	}
	stdin = strings.NewReader("short\n")
	if _, err := cmd("add", "--email", "tim@example.com", "--name", "Tim", "--role", "admin", "--password-stdin"); err == nil {
		t.Error("a short password was taken")
	}
	out, err = cmd("list")
	if err != nil {
		t.Fatalf("user list: %v", err)
	}
	if !regexp.MustCompile(`owner@example\.com\s+Olga Owner\s+admin\s+invited`).MatchString(out) ||
		!regexp.MustCompile(`sam@example\.com\s+Sam\s+staff\s+\S+\s+active`).MatchString(out) || strings.Contains(out, "tim@") {
		t.Errorf("user list:\n%s", out)
	}

	// The link and the password work on a gateway over the same store.
	store, err := sqlite.Open(ctx, filepath.Join(dir, "store"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(gateway.NewServer(gateway.Config{Store: store, Clinics: directory.New(clinic.Demo())}))
	defer srv.Close()
	post := func(path, body string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := post("/v1/auth/invites/"+m[1], `{"password":"owner password 1"}`); got != http.StatusOK {
		t.Fatalf("invite: status %d", got)
	}
	if got := post("/v1/auth/login", `{"email":"sam@example.com","password":"staff password 123"}`); got != http.StatusOK {
		t.Fatalf("sam signs in: status %d", got)
	}
	if out, err = cmd("disable", "SAM@example.com"); err != nil || !strings.Contains(out, "disabled sam@example.com") {
		t.Fatalf("user disable: %v %s", err, out)
	}
	if got := post("/v1/auth/login", `{"email":"sam@example.com","password":"staff password 123"}`); got != http.StatusUnauthorized {
		t.Errorf("disabled sam signs in: status %d, want 401", got)
	}
	if _, err := cmd("disable", "nobody@example.com"); err == nil {
		t.Error("disabling an unknown email succeeded")
	}
}
