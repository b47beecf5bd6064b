// Package bus wires the engine to NATS JetStream: the embedded server used by
// a single-process deployment, the streams, consumers and buckets every role
// expects, durable publishing, the dead-letter subject, and what the workers
// that turn commands into calls share (worker.go: Consume, Retry,
// Terminate).
package bus

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// EmbeddedOptions configures an in-process NATS server.
type EmbeddedOptions struct {
	StoreDir string // JetStream file store
	// Listen is host:port for client connections from outside the process
	// (operators' `nats sub`). Empty means in-process connections only.
	Listen string
	// AddressFile, when set, is written while the server runs with the
	// address clients reach it at, empty when it accepts in-process
	// connections only, so that operator commands (`medspa status`,
	// `medspa dlq`) find this server and no other; it is removed on
	// Shutdown.
	AddressFile string
	// Passwords, when set, makes the server accept only authenticated
	// clients, on its client port and in-process alike: one user per role
	// (Roles) with a password here, each with its role's permissions
	// (RolePermissions). The process itself connects as ops (Connect) or
	// as a role (ConnectAs).
	Passwords map[string]string
	Logger    *slog.Logger
}

// EmbeddedServerName is the server name of the embedded server: operator
// commands check it, so that they never report on another NATS server
// listening at the address they tried.
const EmbeddedServerName = "medspa-embedded"

// Embedded is a NATS server with JetStream running inside this process.
type Embedded struct {
	Server *server.Server
	// Listening is the address outside clients can reach, or "" when the
	// server accepts in-process connections only.
	Listening   string
	addressFile string
	passwords   map[string]string
}

// StartEmbedded starts an embedded server. If the listen address is taken,
// it logs a warning and runs without a client port: the process itself
// connects in-process either way.
func StartEmbedded(o EmbeddedOptions) (*Embedded, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts := &server.Options{
		ServerName: EmbeddedServerName,
		JetStream:  true,
		StoreDir:   o.StoreDir,
		NoSigs:     true,
		NoLog:      true,
		DontListen: true,
		Users:      RoleUsers(o.Passwords),
	}
	listening := ""
	if o.Listen != "" {
		host, port, err := splitHostPort(o.Listen)
		if err != nil {
			return nil, fmt.Errorf("nats listen address %q: %w", o.Listen, err)
		}
		l, err := net.Listen("tcp", o.Listen)
		if err != nil {
			// Another server has the port (often a NATS of its own on
			// 4222): take a free one on the same host, and say where.
			if l, err = net.Listen("tcp", net.JoinHostPort(host, "0")); err == nil {
				log.Warn("NATS client port is taken; the embedded server listens on a free port instead (medspa status and dlq find it through DATA_DIR)",
					slog.String("nats_listen", o.Listen), slog.String("listening", l.Addr().String()))
				port = l.Addr().(*net.TCPAddr).Port
			} else {
				log.Warn("NATS client port is taken and no other is free; the embedded server runs in-process only. Set NATS_LISTEN to a free address to watch subjects.",
					slog.String("nats_listen", o.Listen), slog.String("error", err.Error()))
			}
		}
		if err == nil {
			_ = l.Close()
			opts.DontListen = false
			opts.Host, opts.Port = host, port
			listening = net.JoinHostPort(host, strconv.Itoa(port))
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, errors.New("embedded nats: not ready after 10s")
	}
	e := &Embedded{Server: ns, Listening: listening, passwords: o.Passwords}
	if o.AddressFile != "" {
		if err := os.WriteFile(o.AddressFile, []byte(listening+"\n"), 0o644); err != nil {
			log.Warn("cannot record the NATS client address for operator commands", slog.String("error", err.Error()))
		} else {
			e.addressFile = o.AddressFile
		}
	}
	return e, nil
}

// Connect opens an in-process client connection, as the ops user when the
// server has passwords.
func (e *Embedded) Connect(name string, opts ...nats.Option) (*nats.Conn, error) {
	return e.ConnectAs(RoleOps, name, opts...)
}

// ConnectAs opens an in-process client connection as role's user when the
// server has passwords (unauthenticated otherwise).
func (e *Embedded) ConnectAs(role, name string, extra ...nats.Option) (*nats.Conn, error) {
	opts := []nats.Option{nats.InProcessServer(e.Server), nats.Name(name), nats.MaxReconnects(-1),
		nats.CustomInboxPrefix(InboxPrefix(role))}
	if len(e.passwords) > 0 {
		p := e.passwords[role]
		if p == "" {
			return nil, fmt.Errorf("embedded nats: no password for the user %s", role)
		}
		opts = append(opts, nats.UserInfo(role, p))
	}
	return nats.Connect("", append(opts, extra...)...)
}

// Shutdown stops the server and waits for it.
func (e *Embedded) Shutdown() {
	e.Server.Shutdown()
	e.Server.WaitForShutdown()
	if e.addressFile != "" {
		_ = os.Remove(e.addressFile)
	}
}

// Client is how a process authenticates to an external NATS server: a
// creds file (an nkey/JWT user of a NATS account) or a user and password,
// and TLS. Role, when set, gives the connection its role's inbox prefix
// (InboxPrefix), the only one its user may subscribe to.
type Client struct {
	User, Password, CredsFile string
	TLS                       ClientTLS
	Role                      string
}

// ClientTLS is the client side of TLS to NATS: the CA file that signs the
// servers' certificates (the system's roots when empty), and a client
// certificate and its key for servers that verify clients. A certificate
// without its key, or a key without its certificate, is refused.
type ClientTLS struct{ CAFile, CertFile, KeyFile string }

// Enabled reports whether any TLS setting is given.
func (t ClientTLS) Enabled() bool { return t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" }

// Validate refuses a partial client certificate.
func (t ClientTLS) Validate() error {
	if (t.CertFile == "") != (t.KeyFile == "") {
		return errors.New("NATS_CERT_FILE and NATS_KEY_FILE go together: set both for a client certificate, or neither")
	}
	return nil
}

// Options returns the connect options of c: none when it is empty. A creds
// file wins over a password.
func (c Client) Options() ([]nats.Option, error) {
	if err := c.TLS.Validate(); err != nil {
		return nil, err
	}
	var opts []nats.Option
	if c.Role != "" {
		opts = append(opts, nats.CustomInboxPrefix(InboxPrefix(c.Role)))
	}
	switch {
	case c.CredsFile != "":
		opts = append(opts, nats.UserCredentials(c.CredsFile))
	case c.User != "" || c.Password != "":
		opts = append(opts, nats.UserInfo(c.User, c.Password))
	}
	if c.TLS.Enabled() { // before the files: it would replace their configuration
		opts = append(opts, nats.Secure(&tls.Config{MinVersion: tls.VersionTLS12}))
	}
	if c.TLS.CAFile != "" {
		opts = append(opts, nats.RootCAs(c.TLS.CAFile))
	}
	if c.TLS.CertFile != "" {
		opts = append(opts, nats.ClientCert(c.TLS.CertFile, c.TLS.KeyFile))
	}
	return opts, nil
}

// Dial connects to an external NATS server as c.
func Dial(url, name string, c Client, opts ...nats.Option) (*nats.Conn, error) {
	copts, err := c.Options()
	if err != nil {
		return nil, err
	}
	opts = append(append([]nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond)}, copts...), opts...)
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect nats: %w", err)
	}
	return nc, nil
}

func splitHostPort(hp string) (string, int, error) {
	h, p, err := net.SplitHostPort(hp)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("bad port %q", p)
	}
	return h, port, nil
}
