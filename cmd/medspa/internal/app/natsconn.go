package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/bus"
)

// natsRole is the NATS user of a process running roles: its role's user
// when it runs one, ops when it runs several (`medspa serve`).
func natsRole(r Roles) string {
	switch r {
	case Roles{Gateway: true}:
		return bus.RoleGateway
	case Roles{Engine: true}:
		return bus.RoleEngine
	case Roles{Sender: true}:
		return bus.RoleSender
	}
	return bus.RoleOps
}

// NATSClient is how a process connects to an external NATS_URL as role's
// user: NATS_CREDS, else NATS_USER (default the role's name) with
// NATS_PASSWORD (default the role's NATS_<ROLE>_PASSWORD), and TLS, with
// the inbox prefix of its user's role (bus.InboxPrefix). Without a password or creds it connects without
// credentials.
func NATSClient(cfg Config, role string) bus.Client {
	c := bus.Client{CredsFile: cfg.NATSCredsFile, User: cfg.NATSUser, Password: cfg.NATSPassword, TLS: cfg.NATSTLS, Role: role}
	if c.User == "" {
		c.User = role
	}
	if c.Password == "" {
		c.Password = cfg.NATSRolePasswords[c.User]
	}
	if slices.Contains(bus.Roles, c.User) {
		c.Role = c.User // the inbox its user may subscribe to
	}
	if c.Password == "" && c.CredsFile == "" {
		c.User = ""
	}
	return c
}

// natsConns are a process's NATS connections. With the embedded server
// each component connects as its role's user (gateway, engine, sender) and
// the process sets up the streams as ops; with an external server the
// process has one connection, as its role's user (natsRole).
type natsConns struct {
	setup  *nats.Conn // sets up streams and buckets, seeds the demo
	byRole map[string]*nats.Conn
	close  func()
}

// conn is the connection of role's components.
func (c *natsConns) conn(role string) *nats.Conn {
	if nc, ok := c.byRole[role]; ok {
		return nc
	}
	return c.setup
}

// js is JetStream on role's connection.
func (c *natsConns) js(role string) jetstream.JetStream {
	js, _ := jetstream.New(c.conn(role)) // fails only without a connection
	return js
}

// connectNATS connects to NATS_URL, or starts the embedded server.
func connectNATS(cfg Config, roles Roles, log *slog.Logger) (*natsConns, error) {
	// Asynchronous errors, a permission violation above all, are logged:
	// a role's user refused something its role needs is a bug to see.
	onError := nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		log.Warn("nats error", slog.String("error", err.Error()))
	})
	if !cfg.Embedded() {
		nc, err := bus.Dial(cfg.NATSURL, "medspa", NATSClient(cfg, natsRole(roles)), onError)
		if err != nil {
			return nil, err
		}
		return &natsConns{setup: nc, close: func() { _ = nc.Drain() }}, nil
	}
	passwords, err := NATSPasswords(cfg)
	if err != nil {
		return nil, err
	}
	emb, err := bus.StartEmbedded(bus.EmbeddedOptions{StoreDir: filepath.Join(cfg.DataDir, "nats"), Listen: cfg.NATSListen,
		AddressFile: NATSAddressFile(cfg), Passwords: passwords, Logger: log})
	if err != nil {
		return nil, err
	}
	if emb.Listening != "" {
		log.Info("embedded NATS accepting clients", slog.String("nats_listen", emb.Listening))
	}
	c := &natsConns{byRole: map[string]*nats.Conn{}}
	var open []*nats.Conn
	c.close = func() {
		for _, nc := range open {
			_ = nc.Drain()
		}
		emb.Shutdown()
	}
	connect := func(role string) (*nats.Conn, error) {
		nc, err := emb.ConnectAs(role, "medspa-"+role, onError)
		if err != nil {
			return nil, fmt.Errorf("connect embedded nats as %s: %w", role, err)
		}
		open = append(open, nc)
		return nc, nil
	}
	if c.setup, err = connect(bus.RoleOps); err != nil {
		c.close()
		return nil, err
	}
	for _, role := range []string{bus.RoleGateway, bus.RoleEngine, bus.RoleSender} {
		if c.byRole[role], err = connect(role); err != nil {
			c.close()
			return nil, err
		}
	}
	return c, nil
}

// SetupBus creates or updates what the roles expect on NATS: the streams
// and their consumers (bus.EnsureStreams) and the key-value buckets. Only
// the ops user may; `medspa migrate` runs it so that the roles, whose users
// may only look the streams up, start.
func SetupBus(ctx context.Context, js jetstream.JetStream, cfg Config) error {
	if err := bus.EnsureStreams(ctx, js, topology(cfg)); err != nil {
		return fmt.Errorf("set up streams: %w", err)
	}
	if _, err := bus.EnsureKeyValue(ctx, js, bus.NodesBucketConfig(bus.MembershipConfig{Replicas: cfg.StreamReplicas})); err != nil {
		return err
	}
	if _, err := bus.EnsureKeyValue(ctx, js, gateway.TicketsBucketConfig(cfg.StreamReplicas)); err != nil {
		return err
	}
	return nil
}

// topology is the streams' shape of cfg.
func topology(cfg Config) bus.Topology {
	topo := bus.DefaultTopology()
	topo.Partitions = cfg.Partitions
	topo.Replicas = cfg.StreamReplicas
	return topo
}
