// Package baseline holds the two designs the engine is measured against by
// `medspa storm --compare`, each runnable in-process like app.Run:
//
//   - RunBare is the ceiling: the same gateway (signature check, parse,
//     durable JetStream publish, 200 after the PubAck), a consumer that
//     turns every inbound text into a fixed reply command without engine or
//     store work, and the same sender.
//   - RunConventional is the usual design with the same durability: the
//     webhook handler itself runs one store transaction per message (dedup
//     key, snapshot with a version fence, transcript and outbox rows),
//     decided by the same pure core, and answers 200 after the commit; an
//     outbox relay and the same sender deliver the reply.
package baseline

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/medspa/engine/internal/directory"
	"golang.org/x/sync/errgroup"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/carrier"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/sender"
	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// Config is what one baseline system needs.
type Config struct {
	// NATSURL is an external NATS server; empty starts an embedded one
	// with its file store under DataDir.
	NATSURL string
	// NATSClient is how it authenticates to NATSURL (bus.Client: an ops
	// user, as the baselines set up their own streams).
	NATSClient bus.Client
	DataDir    string
	// Store is the durable state (opened and closed by the caller); the
	// sender records its sends in it, the conventional design everything.
	Store   persistence.Store
	Clinics []clinic.Clinic
	// TelnyxPublicKey verifies webhooks.
	TelnyxPublicKey ed25519.PublicKey
	// CarrierBaseURL and CarrierAPIKey reach the Telnyx API (a stub).
	CarrierBaseURL string
	CarrierAPIKey  string
	// CarrierClient calls the carrier (default: a client with a 15 s
	// timeout and the default transport, as the engine's).
	CarrierClient *http.Client
	// Listener serves HTTP: POST /webhooks/telnyx/messages and GET /metrics.
	Listener   net.Listener
	Partitions int // inbound partitions (default 8)
	// SendRatePerNumber is the sender's per-number limit (default
	// unlimited: the baselines measure the path, not the 10DLC throttle).
	SendRatePerNumber float64
	SendBurst         int
	Logger            *slog.Logger
	Now               func() time.Time
	// Started, when set, is called once everything runs.
	Started func()
}

func (c *Config) defaults() {
	if c.Partitions <= 0 {
		c.Partitions = 8
	}
	if c.SendRatePerNumber == 0 {
		c.SendRatePerNumber = -1
	}
	if c.SendBurst <= 0 {
		c.SendBurst = 1 << 20
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = clock.Real
	}
}

func (c *Config) validate() error {
	var errs []error
	if c.NATSURL == "" && c.DataDir == "" {
		errs = append(errs, errors.New("no NATS URL and no data dir for an embedded server"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("no store"))
	}
	if len(c.TelnyxPublicKey) != ed25519.PublicKeySize {
		errs = append(errs, errors.New("no Telnyx public key"))
	}
	if c.CarrierBaseURL == "" {
		errs = append(errs, errors.New("no carrier base URL"))
	}
	if c.Listener == nil {
		errs = append(errs, errors.New("no listener"))
	}
	if len(c.Clinics) == 0 {
		errs = append(errs, errors.New("no clinics"))
	}
	return errors.Join(errs...)
}

// system is what both baselines share: NATS with the engine's streams, a
// metrics registry and the sender.
type system struct {
	cfg   Config
	nc    *nats.Conn
	js    jetstream.JetStream
	topo  bus.Topology
	dir   *directory.Directory
	reg   *prometheus.Registry
	close func()
	// connect opens another connection to the same server: the busy parts
	// get one each, as the engine's roles do (cmd/medspa/internal/app).
	connect func(name string) (*nats.Conn, error)
	conns   []*nats.Conn
}

// roleJS is JetStream over a connection of the role's own, drained when
// the system closes.
func (s *system) roleJS(role string) (jetstream.JetStream, error) {
	nc, err := s.connect("baseline-" + role)
	if err != nil {
		return nil, fmt.Errorf("nats connection for %s: %w", role, err)
	}
	s.conns = append(s.conns, nc)
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream for %s: %w", role, err)
	}
	return js, nil
}

// shutdown drains the role connections, then closes the system.
func (s *system) shutdown() {
	for _, c := range s.conns {
		_ = c.Drain()
	}
	s.close()
}

func open(ctx context.Context, cfg Config) (*system, error) {
	s := &system{cfg: cfg, dir: directory.New(cfg.Clinics), reg: prometheus.NewRegistry()}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if cfg.NATSURL != "" {
		nc, err := bus.Dial(cfg.NATSURL, "baseline", cfg.NATSClient)
		if err != nil {
			return nil, err
		}
		s.nc, s.close = nc, func() { _ = nc.Drain() }
		s.connect = func(name string) (*nats.Conn, error) { return bus.Dial(cfg.NATSURL, name, cfg.NATSClient) }
	} else {
		emb, err := bus.StartEmbedded(bus.EmbeddedOptions{StoreDir: filepath.Join(cfg.DataDir, "nats"), Logger: cfg.Logger})
		if err != nil {
			return nil, err
		}
		nc, err := emb.Connect("baseline")
		if err != nil {
			emb.Shutdown()
			return nil, fmt.Errorf("connect embedded nats: %w", err)
		}
		s.nc, s.close = nc, func() { _ = nc.Drain(); emb.Shutdown() }
		s.connect = func(name string) (*nats.Conn, error) { return emb.Connect(name) }
	}
	js, err := jetstream.New(s.nc)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	s.js = js
	s.topo = bus.DefaultTopology()
	s.topo.Partitions = cfg.Partitions
	if err := bus.EnsureStreams(ctx, js, s.topo); err != nil {
		s.close()
		return nil, fmt.Errorf("set up streams: %w", err)
	}
	return s, nil
}

// part is a part of a baseline system that runs until ctx ends.
type part func(ctx context.Context) error

// run runs a baseline system until ctx ends: NATS with the engine's
// streams, the engine's sender (bare: for a system that keeps no leads),
// and what setup adds: the handler served on the listener and the parts
// that run beside it.
func run(ctx context.Context, cfg Config, bare bool, setup func(context.Context, *system) (http.Handler, []part, error)) error {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return err
	}
	s, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.shutdown()
	h, parts, err := setup(ctx, s)
	if err != nil {
		return err
	}
	snd, err := s.sender(bare)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return snd.Run(gctx) })
	for _, p := range parts {
		g.Go(func() error { return p(gctx) })
	}
	g.Go(func() error { return serve(gctx, srv, cfg.Listener) })
	if cfg.Started != nil {
		cfg.Started()
	}
	return g.Wait()
}

// sender is the engine's own sender, talking to the configured carrier.
// The bare system keeps no leads, so its recipients are checked against
// the number their lead id is derived from.
func (s *system) sender(bare bool) (*sender.Sender, error) {
	js, err := s.roleJS("sender")
	if err != nil {
		return nil, err
	}
	client := s.cfg.CarrierClient
	if client == nil {
		client = carrier.NewHTTPClient() // the engine's (cmd/medspa/internal/app), so that no design is handicapped
	}
	c := &telnyx.Carrier{BaseURL: s.cfg.CarrierBaseURL, APIKey: s.cfg.CarrierAPIKey, Client: client}
	var leads func(context.Context, messages.SendSMS) (bool, error)
	if bare {
		leads = sender.LeadOfNumber
	}
	return sender.New(sender.Config{JS: js, Store: s.cfg.Store, Carrier: carrier.Router{messages.CarrierTelnyx: c},
		Logger: s.cfg.Logger.With(slog.String("role", "sender")), Metrics: sender.NewMetrics(s.reg), Now: s.cfg.Now,
		RatePerNumber: s.cfg.SendRatePerNumber, RateBurst: s.cfg.SendBurst, Leads: leads}), nil
}

// serve runs srv on the listener until ctx ends.
func serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http: %w", err)
	}
	return nil
}
