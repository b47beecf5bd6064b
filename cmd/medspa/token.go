package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/gateway"
)

// runToken prints a staff API token signed with AUTH_JWT_SECRET or, in
// development, the secret kept in DATA_DIR, with the issuer, audience and
// issue time the gateway requires and a lifetime it accepts.
func runToken(args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	role := fs.String("role", "staff", "staff (one clinic), manager (one clinic and its settings) or admin (every clinic)")
	clinicID := fs.String("clinic", "", "clinic id (required for staff and manager)")
	sub := fs.String("sub", "dev-user", "subject (user id)")
	ttl := fs.Duration("ttl", gateway.DefaultTokenMaxLifetime, "lifetime, at most AUTH_TOKEN_MAX_TTL (what the gateway accepts)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *role {
	case gateway.RoleStaff, gateway.RoleManager:
		if *clinicID == "" {
			return fmt.Errorf("--clinic is required for a %s token", *role)
		}
	case gateway.RoleAdmin:
	default:
		return fmt.Errorf("--role must be staff, manager or admin")
	}
	maxTTL, err := tokenMaxTTL(getenv)
	if err != nil {
		return err
	}
	if *ttl > maxTTL {
		return fmt.Errorf("--ttl %v is longer than the gateway accepts (AUTH_TOKEN_MAX_TTL, %v)", *ttl, maxTTL)
	}
	secret, err := jwtSecret(getenv)
	if err != nil {
		return err
	}
	tok, err := gateway.IssueToken(secret, *sub, *role, *clinicID, *ttl, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

// tokenMaxTTL is the longest token lifetime the gateway accepts:
// AUTH_TOKEN_MAX_TTL or its default.
func tokenMaxTTL(getenv func(string) string) (time.Duration, error) {
	v := strings.TrimSpace(getenv("AUTH_TOKEN_MAX_TTL"))
	if v == "" {
		return app.Defaults().TokenMaxLifetime, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("AUTH_TOKEN_MAX_TTL=%q is not a positive duration", v)
	}
	return d, nil
}

func jwtSecret(getenv func(string) string) ([]byte, error) {
	if s := getenv("AUTH_JWT_SECRET"); s != "" {
		return []byte(s), nil
	}
	cfg := app.Defaults()
	if d := getenv("DATA_DIR"); d != "" {
		cfg.DataDir = d
	}
	return app.DevJWTSecret(cfg.DataDir)
}
