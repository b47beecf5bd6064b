package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/bus"
)

// natsTarget is the NATS server an operator command (status, dlq) talks
// to, found the way `medspa serve` and the other roles find it.
type natsTarget struct {
	url      string
	embedded bool   // medspa serve's embedded server: its name is checked
	how      string // where the address came from, for error messages
	creds    bus.Client
	credsHow string // where the credentials came from, for error messages
}

// natsCredentials returns how an operator command authenticates: as the
// user ops (RolePermissions: only ops may read and replay dead letters).
// With NATS_URL: NATS_CREDS, or NATS_USER (default ops) with NATS_PASSWORD
// (default NATS_OPS_PASSWORD), and NATS_CA_FILE, NATS_CERT_FILE and
// NATS_KEY_FILE for TLS; with medspa serve's embedded server:
// NATS_OPS_PASSWORD, else the development password serve created in
// DATA_DIR/dev-keys.
func natsCredentials(getenv func(string) string, dataDir string, embedded bool) (bus.Client, string) {
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	opsEnv := bus.PasswordEnv(bus.RoleOps)
	if !embedded {
		cfg := app.Config{NATSUser: env("NATS_USER"), NATSPassword: env("NATS_PASSWORD"), NATSCredsFile: env("NATS_CREDS"),
			NATSRolePasswords: map[string]string{bus.RoleOps: env(opsEnv)},
			NATSTLS:           bus.ClientTLS{CAFile: env("NATS_CA_FILE"), CertFile: env("NATS_CERT_FILE"), KeyFile: env("NATS_KEY_FILE")}}
		return app.NATSClient(cfg, bus.RoleOps), "NATS_CREDS, NATS_USER/NATS_PASSWORD or " + opsEnv
	}
	if p := env(opsEnv); p != "" {
		return bus.Client{User: bus.RoleOps, Password: p}, opsEnv
	}
	if p, err := app.DevNATSPassword(dataDir, bus.RoleOps); err == nil {
		return bus.Client{User: bus.RoleOps, Password: p}, "DATA_DIR/dev-keys/" + app.DevNATSPasswordFile(bus.RoleOps)
	}
	return bus.Client{}, "no " + opsEnv + " and no password in DATA_DIR/dev-keys"
}

// findNATS reads NATS_URL, NATS_LISTEN and DATA_DIR: with NATS_URL, that
// server (a split deployment's cluster). Without it the system runs on
// `medspa serve`'s embedded server, which listens on NATS_LISTEN: the
// address set in the environment, else the one the running serve recorded
// in DATA_DIR (it may have been started with another NATS_LISTEN), else
// the default 127.0.0.1:4222.
func findNATS(getenv func(string) string) (natsTarget, error) {
	t, err := findNATSAddress(getenv)
	if err != nil {
		return t, err
	}
	dataDir := app.Defaults().DataDir
	if v := strings.TrimSpace(getenv("DATA_DIR")); v != "" {
		dataDir = v
	}
	t.creds, t.credsHow = natsCredentials(getenv, dataDir, t.embedded)
	return t, nil
}

func findNATSAddress(getenv func(string) string) (natsTarget, error) {
	cfg := app.Defaults()
	if v := strings.TrimSpace(getenv("DATA_DIR")); v != "" {
		cfg.DataDir = v
	}
	if v := strings.TrimSpace(getenv("NATS_URL")); v != "" {
		return natsTarget{url: v, how: "NATS_URL"}, nil
	}
	if v := strings.TrimSpace(getenv("NATS_LISTEN")); v != "" {
		return natsTarget{url: "nats://" + v, embedded: true, how: "NATS_LISTEN"}, nil
	}
	file := app.NATSAddressFile(cfg)
	b, err := os.ReadFile(file)
	switch {
	case err == nil && strings.TrimSpace(string(b)) == "":
		return natsTarget{}, fmt.Errorf("medspa serve (DATA_DIR %s) runs its NATS server in-process only: no client port was free when it started; "+
			"restart it with NATS_LISTEN set to a free address", cfg.DataDir)
	case err == nil:
		return natsTarget{url: "nats://" + strings.TrimSpace(string(b)), embedded: true, how: file}, nil
	case !errors.Is(err, os.ErrNotExist):
		return natsTarget{}, fmt.Errorf("read %s: %w", file, err)
	}
	return natsTarget{url: "nats://" + cfg.NATSListen, embedded: true, how: "the default NATS_LISTEN"}, nil
}

// connect opens a connection to the target; for medspa serve's embedded
// server it checks that the server answering is that one, not another NATS
// server that happens to listen at the address.
func (t natsTarget) connect(name string) (*nats.Conn, error) {
	copts, err := t.creds.Options()
	if err != nil {
		return nil, err
	}
	opts := append([]nats.Option{nats.Name(name), nats.Timeout(3 * time.Second), nats.MaxReconnects(0)}, copts...)
	nc, err := nats.Connect(t.url, opts...)
	if err != nil {
		hint := ""
		if errors.Is(err, nats.ErrAuthorization) {
			hint = " (credentials from " + t.credsHow + ")"
		} else if t.embedded {
			hint = " (is medspa serve running? set NATS_URL for a split deployment)"
		}
		return nil, fmt.Errorf("connect to nats at %s (from %s): %w%s", t.url, t.how, err, hint)
	}
	if t.embedded && nc.ConnectedServerName() != bus.EmbeddedServerName {
		name := nc.ConnectedServerName()
		nc.Close()
		return nil, fmt.Errorf("the NATS server at %s (from %s) is %q, not medspa serve's embedded server: "+
			"set NATS_LISTEN to the address medspa serve listens on, or NATS_URL for a split deployment", t.url, t.how, name)
	}
	return nc, nil
}

// openJetStream finds NATS as the operator commands do (findNATS), connects
// as name and opens JetStream; the caller closes the connection.
func openJetStream(getenv func(string) string, name string) (*nats.Conn, jetstream.JetStream, error) {
	target, err := findNATS(getenv)
	if err != nil {
		return nil, nil, err
	}
	nc, err := target.connect(name)
	if err != nil {
		return nil, nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("jetstream: %w", err)
	}
	return nc, js, nil
}
