// Package bus wires the engine to NATS JetStream: the embedded server used by
// a single-process deployment, the streams and consumers every role expects,
// durable publishing and the dead-letter subject.
package bus

import (
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
	// EnginePassword, when set, makes the server accept only authenticated
	// clients, on its client port and in-process alike: the user "engine"
	// (UserEngine) with this password may do anything, and, when
	// WatchPassword is set too, the user "watch" (UserWatch) may only
	// subscribe to events. The process itself connects as engine.
	EnginePassword string
	WatchPassword  string
	Logger         *slog.Logger
}

// The users of an embedded server with passwords (EmbeddedOptions).
const (
	UserEngine = "engine" // everything: the process itself and operator commands
	UserWatch  = "watch"  // read-only: subscribe to medspa.evt.> and nothing else
)

// WatchSubjects are the subjects the watch user may subscribe to: the
// events, never commands, inbound messages or dead letters.
var WatchSubjects = []string{"medspa.evt.>"}

// embeddedUsers returns the server's users for o, or nil when the server
// takes unauthenticated clients (tests that pass no password).
func embeddedUsers(o EmbeddedOptions) []*server.User {
	if o.EnginePassword == "" {
		return nil
	}
	users := []*server.User{{Username: UserEngine, Password: o.EnginePassword}}
	if o.WatchPassword != "" {
		users = append(users, &server.User{Username: UserWatch, Password: o.WatchPassword,
			Permissions: &server.Permissions{
				Publish:   &server.SubjectPermission{Deny: []string{">"}},
				Subscribe: &server.SubjectPermission{Allow: WatchSubjects},
			}})
	}
	return users
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
	Listening      string
	addressFile    string
	enginePassword string
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
		Users:      embeddedUsers(o),
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
	e := &Embedded{Server: ns, Listening: listening, enginePassword: o.EnginePassword}
	if o.AddressFile != "" {
		if err := os.WriteFile(o.AddressFile, []byte(listening+"\n"), 0o644); err != nil {
			log.Warn("cannot record the NATS client address for operator commands", slog.String("error", err.Error()))
		} else {
			e.addressFile = o.AddressFile
		}
	}
	return e, nil
}

// Connect opens an in-process client connection, as the engine user when
// the server has passwords.
func (e *Embedded) Connect(name string) (*nats.Conn, error) {
	opts := []nats.Option{nats.InProcessServer(e.Server), nats.Name(name), nats.MaxReconnects(-1)}
	if e.enginePassword != "" {
		opts = append(opts, nats.UserInfo(UserEngine, e.enginePassword))
	}
	return nats.Connect("", opts...)
}

// Shutdown stops the server and waits for it.
func (e *Embedded) Shutdown() {
	e.Server.Shutdown()
	e.Server.WaitForShutdown()
	if e.addressFile != "" {
		_ = os.Remove(e.addressFile)
	}
}

// Dial connects to an external NATS server; opts carry its credentials
// (Credentials).
func Dial(url, name string, opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond)}, opts...)
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

// Credentials returns the connect options for a user and password, or a
// creds file (an nkey/JWT user of a NATS account), or none when all are
// empty. A creds file wins over a password.
func Credentials(user, password, credsFile string) []nats.Option {
	switch {
	case credsFile != "":
		return []nats.Option{nats.UserCredentials(credsFile)}
	case user != "" || password != "":
		return []nats.Option{nats.UserInfo(user, password)}
	}
	return nil
}
