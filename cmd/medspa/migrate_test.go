package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/messages"
)

// medspa migrate with NATS_URL sets up the streams and buckets as the NATS
// user ops, so that the roles, whose users may only look them up, start;
// with a role's user it cannot.
func TestMigrateSetsUpTheBusAsOps(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	passwords := map[string]string{}
	for _, role := range bus.Roles {
		passwords[role] = role + "-password-of-at-least-32-bytes!!!!!!"
	}
	emb, err := bus.StartEmbedded(bus.EmbeddedOptions{StoreDir: filepath.Join(t.TempDir(), "js"), Listen: addr, Passwords: passwords})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Shutdown)
	migrate := func(kv ...string) error {
		var out bytes.Buffer
		return run(context.Background(), []string{"migrate"}, env(append([]string{"NATS_URL", "nats://" + addr, "DATA_DIR", t.TempDir(),
			"TELNYX_PUBLIC_KEY", "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=", "AUTH_JWT_SECRET", testSecret}, kv...)...), &out, &out)
	}
	if err := migrate("NATS_USER", bus.RoleGateway, "NATS_PASSWORD", passwords[bus.RoleGateway]); !errors.Is(err, bus.ErrStreamsMissing) {
		t.Fatalf("migrate as gateway: %v, want the streams refused", err)
	}
	if err := migrate(bus.PasswordEnv(bus.RoleOps), passwords[bus.RoleOps]); err != nil {
		t.Fatalf("migrate as ops: %v", err)
	}

	nc, err := nats.Connect("nats://"+addr, nats.UserInfo(bus.RoleGateway, passwords[bus.RoleGateway]), nats.Timeout(3*time.Second),
		nats.CustomInboxPrefix(bus.InboxPrefix(bus.RoleGateway)))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := bus.EnsureStreams(ctx, js, topologyOf(t)); err != nil {
		t.Fatalf("the gateway finds the streams migrate made: %v", err)
	}
	if _, err := gateway.OpenNATSTickets(ctx, js, 1); err != nil {
		t.Fatalf("and the tickets bucket: %v", err)
	}
	ops, err := nats.Connect("nats://"+addr, nats.UserInfo(bus.RoleOps, passwords[bus.RoleOps]), nats.Timeout(3*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer ops.Close()
	opsJS, err := jetstream.New(ops)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := opsJS.KeyValue(ctx, messages.BucketNodes); err != nil {
		t.Fatalf("the nodes bucket: %v", err)
	}
}

// topologyOf is the topology of the default configuration.
func topologyOf(t *testing.T) bus.Topology {
	t.Helper()
	cfg, err := loadConfig(env())
	if err != nil {
		t.Fatal(err)
	}
	topo := bus.DefaultTopology()
	topo.Partitions, topo.Replicas = cfg.Partitions, cfg.StreamReplicas
	return topo
}

// A client certificate without its key (or the reverse) is refused at
// start, as are the NATS TLS settings without NATS_URL and a role password
// shorter than 32 bytes.
func TestNATSSettingsRefused(t *testing.T) {
	base := []string{"NATS_URL", "tls://nats:4222", "TELNYX_PUBLIC_KEY", "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=",
		"AUTH_JWT_SECRET", testSecret}
	for name, tc := range map[string]struct {
		kv   []string
		want string
	}{
		"cert without key":   {append(base, "NATS_CERT_FILE", "/x/client.pem"), "NATS_CERT_FILE and NATS_KEY_FILE go together"},
		"key without cert":   {append(base, "NATS_KEY_FILE", "/x/client-key.pem"), "NATS_CERT_FILE and NATS_KEY_FILE go together"},
		"TLS while embedded": {[]string{"NATS_CA_FILE", "/x/ca.pem"}, "external NATS_URL"},
		"short password":     {append(base, "NATS_SENDER_PASSWORD", "short"), "NATS_SENDER_PASSWORD holds 5 bytes"},
	} {
		_, err := loadConfig(env(tc.kv...))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	cfg, err := loadConfig(env(append(base, "NATS_CA_FILE", "/x/ca.pem", "NATS_CERT_FILE", "/x/c.pem", "NATS_KEY_FILE", "/x/k.pem",
		"NATS_ENGINE_PASSWORD", strings.Repeat("e", 32))...))
	if err != nil {
		t.Fatal(err)
	}
	c := app.NATSClient(cfg, bus.RoleEngine)
	if c.User != bus.RoleEngine || c.Password != strings.Repeat("e", 32) || c.TLS != (bus.ClientTLS{CAFile: "/x/ca.pem", CertFile: "/x/c.pem", KeyFile: "/x/k.pem"}) {
		t.Errorf("engine's NATS client: %+v", c)
	}
}
