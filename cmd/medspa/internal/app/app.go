package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/medspa/engine/actors"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/carrier"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clinicsync"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/directory"
	"github.com/medspa/engine/internal/llm"
	"github.com/medspa/engine/internal/payments"
	"github.com/medspa/engine/internal/sender"
	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/internal/twilio"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/postgres"
	"github.com/medspa/engine/persistence/sqlite"
)

// Roles selects what one process runs.
type Roles struct {
	Gateway, Engine, Sender bool
}

// All is the serve role: everything in one process.
var All = Roles{Gateway: true, Engine: true, Sender: true}

// Options are the process-level dependencies of Run.
type Options struct {
	Roles  Roles
	Logger *slog.Logger
	// Console receives the texts of the console sender (used when no
	// carrier API key is configured).
	Console io.Writer
	// Listener, when set, is used for HTTP instead of listening on Port.
	Listener net.Listener
	// Carrier, when set, replaces the configured carriers.
	Carrier carrier.Sender
	// Now is the clock of the whole process; defaults to clock.Real.
	Now func() time.Time
	// Demo starts the demo conversations on an empty store when the
	// built-in demo clinics run embedded (`medspa serve`).
	Demo bool
	// Started, when set, is called once every role is running.
	Started func()
}

// Run runs the selected roles until ctx ends.
func Run(ctx context.Context, cfg Config, o Options) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	o.setDefaults()
	p := &process{cfg: cfg, o: o, log: o.Logger}
	clinicList, err := p.prepare()
	if err != nil {
		return err
	}
	if p.conns, err = connectNATS(p.cfg, o.Roles, p.log); err != nil {
		return err
	}
	defer p.conns.close()
	if err := p.setUpStreams(ctx); err != nil {
		return err
	}
	if p.store, err = OpenStore(ctx, p.cfg, p.log, o.Now); err != nil {
		return err
	}
	defer p.store.Close()
	// The clinics file seeds the stored settings; the store is the truth
	// from then on, and staff updates reach every process while it runs.
	if p.clinics, err = clinicsync.Bootstrap(ctx, p.store, clinicList, p.log); err != nil {
		return err
	}
	return p.run(ctx, len(clinicList))
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = clock.Real
	}
	if o.Console == nil {
		o.Console = os.Stdout
	}
}

// process is what the roles of one Run share.
type process struct {
	cfg     Config
	o       Options
	log     *slog.Logger
	keys    Keys
	conns   *natsConns
	topo    bus.Topology
	store   persistence.Store
	clinics *directory.Directory
	reg     *prometheus.Registry
}

// prepare creates DATA_DIR, reads the clinics file and settles the keys.
func (p *process) prepare() ([]clinic.Clinic, error) {
	if err := os.MkdirAll(p.cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create DATA_DIR: %w", err)
	}
	clinicList, err := p.cfg.LoadClinics()
	if err != nil {
		return nil, fmt.Errorf("clinics: %w", err)
	}
	if p.keys, err = ResolveKeys(&p.cfg); err != nil {
		return nil, err
	}
	if p.cfg.TwilioAccountSID != "" && p.cfg.TwilioAuthToken == "" {
		// An account without a token in development: the development token
		// that verifies Twilio webhooks also authenticates the sends (to a
		// TWILIO_API_BASE_URL stub such as the storm's).
		p.cfg.TwilioAuthToken = p.keys.TwilioToken
	}
	return clinicList, nil
}

// setUpStreams makes sure the streams exist. A process running every role
// (`medspa serve`, as ops) sets up the streams and buckets; a role's
// process, whose user may only look them up, checks that `medspa migrate`
// did.
func (p *process) setUpStreams(ctx context.Context) error {
	p.topo = topology(p.cfg)
	if natsRole(p.o.Roles) == bus.RoleOps {
		return SetupBus(ctx, p.conns.js(bus.RoleOps), p.cfg)
	}
	if err := bus.EnsureStreams(ctx, p.conns.js(bus.RoleOps), p.topo); err != nil {
		return fmt.Errorf("set up streams: %w", err)
	}
	return nil
}

// run starts the components of the roles and the HTTP server, and waits
// until they end.
func (p *process) run(ctx context.Context, clinicCount int) error {
	p.reg = prometheus.NewRegistry()
	p.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return clinicsync.Follow(gctx, p.conns.setup, p.store, p.clinics, p.cfg.SettingsReload, p.log)
	})
	if p.o.Roles.Engine {
		if err := p.startEngine(gctx, g); err != nil {
			return err
		}
	}
	if p.o.Roles.Sender {
		p.startSender(gctx, g)
	}
	ln, err := p.startHTTP(ctx, gctx, g)
	if err != nil {
		return err
	}
	p.log.Info("medspa running", slog.String("http", ln.Addr().String()), slog.Bool("gateway", p.o.Roles.Gateway),
		slog.Bool("engine", p.o.Roles.Engine), slog.Bool("sender", p.o.Roles.Sender), slog.Int("clinics", clinicCount),
		slog.String("store", storeKind(p.cfg)))
	if p.o.Roles == All && p.o.Demo {
		if err := seedDemo(ctx, p.cfg, p.store, bus.Publisher{JS: p.conns.js(bus.RoleOps)}, p.clinics, p.o.Now(), p.log); err != nil {
			p.log.Warn("demo conversations not started", slog.String("error", err.Error()))
		}
	}
	if p.o.Started != nil {
		p.o.Started()
	}
	return g.Wait()
}

// startEngine starts the conversation actors and the pending collector.
func (p *process) startEngine(gctx context.Context, g *errgroup.Group) error {
	// A split engine node shares the partitions with the other engine
	// nodes; `serve` consumes them all.
	var placement *actors.Placement
	if p.o.Roles != All {
		placement = &actors.Placement{}
	}
	assistant, err := newAssistant(p.cfg, p.log, p.reg)
	if err != nil {
		return err
	}
	log := p.log.With(slog.String("role", "engine"))
	eng := actors.New(actors.Config{JS: p.conns.js(bus.RoleEngine), Store: p.store, Clinics: p.clinics, Topology: p.topo, Logger: log,
		Metrics: actors.NewMetrics(p.reg), Now: p.o.Now, IdleTimeout: p.cfg.IdleTimeout, DepositURL: gateway.DepositURL(p.keys.PublicBaseURL), Placement: placement,
		Assistant: assistant, CalendarSync: calendarSync(p.cfg)})
	g.Go(func() error { return eng.Run(gctx) })
	pending := bus.NewPendingCollector(p.conns.js(bus.RoleEngine), p.reg, log)
	g.Go(func() error { return pending.Run(gctx) })
	return nil
}

// startSender starts the carrier sender and the payments worker.
func (p *process) startSender(gctx context.Context, g *errgroup.Group) {
	c := p.o.Carrier
	if c == nil {
		c = carriers(p.cfg, p.o.Console, p.log)
	}
	snd := sender.New(sender.Config{JS: p.conns.js(bus.RoleSender), Store: p.store, Carrier: c, Logger: p.log.With(slog.String("role", "sender")), Metrics: sender.NewMetrics(p.reg), Now: p.o.Now,
		RatePerNumber: p.cfg.SendRatePerNumber, RateBurst: p.cfg.SendBurst, InDoubtWait: p.cfg.SendInDoubtWait})
	g.Go(func() error { return snd.Run(gctx) })
	var api payments.API = &payments.DevCheckout{W: p.o.Console, BaseURL: p.keys.PublicBaseURL}
	if p.cfg.StripeSecretKey != "" {
		sc := payments.New(p.cfg.StripeSecretKey, p.cfg.StripeAPIBaseURL, &http.Client{Timeout: 30 * time.Second})
		sc.Now = p.o.Now
		api = sc
	} else {
		p.log.Info("STRIPE_SECRET_KEY is not set: deposit links are local development links (pay with `medspa sim pay`)")
	}
	pw := payments.NewWorker(payments.WorkerConfig{JS: p.conns.js(bus.RoleSender), Stripe: api, Logger: p.log.With(slog.String("role", "payments")), Metrics: payments.NewMetrics(p.reg), Now: p.o.Now})
	g.Go(func() error { return pw.Run(gctx) })
}

// gatewayConfig configures the HTTP server. Every process serves health
// and metrics; only the gateway role also takes webhooks and staff
// requests.
func (p *process) gatewayConfig(ctx, gctx context.Context) (gateway.Config, error) {
	cfg, keys := p.cfg, p.keys
	gwc := p.conns.conn(bus.RoleGateway)
	gwCfg := gateway.Config{JWTSecret: keys.JWTSecret, Clinics: p.clinics, Store: p.store, Logger: p.log.With(slog.String("role", "gateway")),
		Metrics: gateway.NewMetrics(p.reg), Now: p.o.Now, Ready: readiness(p.o.Roles, p.conns.setup.Status, p.store.Ping),
		LeadLimitIP: cfg.WebLeadLimitIP, LeadLimitPhone: cfg.WebLeadLimitPhone, LeadLimitClinic: cfg.WebLeadLimitClinic, LeadLimitGlobal: cfg.WebLeadLimitGlobal}
	gwCfg.Events = gateway.NATSEvents{Conn: gwc} // live updates for the staff inbox
	gwCfg.TokenMaxLifetime = cfg.TokenMaxLifetime
	gwCfg.TrustProxy = cfg.TrustProxy
	gwCfg.SessionLifetime, gwCfg.SessionIdle = cfg.SessionLifetime, cfg.SessionIdle
	gwCfg.InsecureCookie = cfg.LoopbackDevelopment()
	gwCfg.LiveState = liveState(gwc)
	gwCfg.Settings = settingsUpdater(gwc)
	gwCfg.Blocks = blockChanger(gwc)
	gwCfg.CalendarSync = calendarSyncer(gwc)
	gwCfg.Done = gctx.Done() // ends open event streams on shutdown
	gwCfg.Admin = gateway.AdminConfig{TelnyxAPIBaseURL: cfg.TelnyxAPIBaseURL, TelnyxAPIKey: cfg.TelnyxAPIKey, MessagingProfileID: cfg.TelnyxMessagingProfileID}
	if !p.o.Roles.Gateway {
		return gwCfg, nil
	}
	// Stream tickets are kept in JetStream: any gateway takes a ticket
	// another one issued, once.
	var err error
	if gwCfg.Tickets, err = gateway.OpenNATSTickets(ctx, p.conns.js(bus.RoleGateway), cfg.StreamReplicas); err != nil {
		return gwCfg, err
	}
	gwCfg.TelnyxPublicKey = keys.TelnyxPublic
	gwCfg.TwilioAuthToken = keys.TwilioToken
	gwCfg.PublicBaseURL = keys.PublicBaseURL
	gwCfg.StripeWebhookSecret = keys.StripeWebhookSecret
	gwCfg.Publisher = bus.Publisher{JS: p.conns.js(bus.RoleGateway)}
	return gwCfg, nil
}

// startHTTP starts the HTTP server on Options.Listener, else on
// HTTP_LISTEN or PORT, and shuts it down when gctx ends.
func (p *process) startHTTP(ctx, gctx context.Context, g *errgroup.Group) (net.Listener, error) {
	gwCfg, err := p.gatewayConfig(ctx, gctx)
	if err != nil {
		return nil, err
	}
	srv := gateway.NewHTTPServer(gateway.NewServer(gwCfg))
	ln := p.o.Listener
	if ln == nil {
		ln, err = net.Listen("tcp", p.cfg.HTTPAddr())
		if err != nil {
			return nil, fmt.Errorf("listen on %s (HTTP_LISTEN, PORT): %w", p.cfg.HTTPAddr(), err)
		}
	}
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	return ln, nil
}

// NATSAddressFile is where the embedded NATS server records the address
// clients reach it at while it runs (bus.EmbeddedOptions.AddressFile):
// `medspa status` and `medspa dlq` read it to find it.
func NATSAddressFile(cfg Config) string { return filepath.Join(cfg.DataDir, "nats-address") }

// liveState asks the engine node holding a conversation's actor for its
// state; nobody answers when no actor is in memory.
func liveState(nc *nats.Conn) gateway.LiveState {
	return func(ctx context.Context, clinicID, leadID string) ([]byte, int64, bool) {
		ctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
		defer cancel()
		msg, err := nc.RequestWithContext(ctx, messages.LiveStateSubject(clinicID, leadID), nil)
		if err != nil {
			return nil, 0, false
		}
		var st messages.LiveState
		if json.Unmarshal(msg.Data, &st) != nil || st.V != messages.Version {
			return nil, 0, false
		}
		return st.State, st.Version, true
	}
}

// settingsUpdater asks the engine node that owns the clinic to apply a
// settings update.
func settingsUpdater(nc *nats.Conn) gateway.SettingsUpdater {
	return func(ctx context.Context, req messages.SettingsUpdate) (messages.SettingsReply, error) {
		data, err := json.Marshal(req)
		if err != nil {
			return messages.SettingsReply{}, fmt.Errorf("encode settings update: %w", err)
		}
		msg, err := nc.RequestWithContext(ctx, messages.SettingsSubject(req.ClinicID), data)
		if err != nil {
			return messages.SettingsReply{}, fmt.Errorf("%w: no engine node answered for clinic %s: %v", gateway.ErrUnavailable, req.ClinicID, err)
		}
		var rep messages.SettingsReply
		if err := json.Unmarshal(msg.Data, &rep); err != nil || rep.V != messages.Version {
			return messages.SettingsReply{}, fmt.Errorf("settings reply: malformed (%v)", err)
		}
		return rep, nil
	}
}

// blockChanger asks the engine node that owns the clinic to add or remove
// a block of its calendar.
func blockChanger(nc *nats.Conn) gateway.BlockChanger {
	return func(ctx context.Context, req messages.BlockChange) (messages.BlockReply, error) {
		data, err := json.Marshal(req)
		if err != nil {
			return messages.BlockReply{}, fmt.Errorf("encode block change: %w", err)
		}
		msg, err := nc.RequestWithContext(ctx, messages.BlocksSubject(req.ClinicID), data)
		if err != nil {
			return messages.BlockReply{}, fmt.Errorf("%w: no engine node answered for clinic %s: %v", gateway.ErrUnavailable, req.ClinicID, err)
		}
		var rep messages.BlockReply
		if err := json.Unmarshal(msg.Data, &rep); err != nil || rep.V != messages.Version {
			return messages.BlockReply{}, fmt.Errorf("block reply: malformed (%v)", err)
		}
		return rep, nil
	}
}

// newAssistant builds the language model client when LLM_BASE_URL is set;
// without it the engine uses its built-in understanding only.
func newAssistant(cfg Config, log *slog.Logger, reg prometheus.Registerer) (actors.Assistant, error) {
	if cfg.LLMBaseURL == "" {
		return nil, nil
	}
	m := llm.NewMetrics(reg)
	client, err := llm.New(llm.Config{BaseURL: cfg.LLMBaseURL, APIKey: cfg.LLMAPIKey, Model: cfg.LLMModel, Timeout: cfg.LLMTimeout,
		Logger: log.With(slog.String("component", "llm")), Metrics: m})
	if err != nil {
		return nil, fmt.Errorf("language model: %w", err)
	}
	log.Info("language model configured", slog.String("model", cfg.LLMModel))
	return &llm.Fallback{Model: client, Logger: log, Metrics: m}, nil
}

// PostgresPoolSize is the Postgres pool of a process: every role shares
// one pool (group commits, snapshot loads, send records and the relay), and
// pgxpool's default (max(4, CPUs)) queues them.
const PostgresPoolSize = 16

// OpenStore opens Postgres when DATABASE_URL is set, the embedded store
// otherwise; both migrate on open. now is the clock of the timestamps the
// store writes itself (clock.Real when nil).
func OpenStore(ctx context.Context, cfg Config, log *slog.Logger, now func() time.Time) (persistence.Store, error) {
	if cfg.DatabaseURL != "" {
		s, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: PostgresPoolSize, Now: now})
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "store"), sqlite.Options{Logger: log, Now: now})
	if err != nil {
		return nil, fmt.Errorf("open embedded store: %w", err)
	}
	return s, nil
}

func storeKind(cfg Config) string {
	if cfg.DatabaseURL != "" {
		return "postgres"
	}
	return "embedded"
}

// callbackBase is the public URL of a receipt webhook, or "" without
// PUBLIC_BASE_URL (receipts then go to the number's default webhook and
// name no command; see docs/ARCHITECTURE.md, Outbox and sender).
func callbackBase(cfg Config, path string) string {
	if cfg.PublicBaseURL == "" {
		return ""
	}
	return strings.TrimRight(cfg.PublicBaseURL, "/") + path
}

// carriers builds the configured carrier senders.
// A carrier without API credentials gets the console sender, which prints
// the texts, so `make run` shows replies without any account.
func carriers(cfg Config, console io.Writer, log *slog.Logger) carrier.Sender {
	// Keep connections to the carrier open for every sender lane.
	client := carrier.NewHTTPClient()
	con := &carrier.Console{W: console}
	r := carrier.Router{messages.CarrierTelnyx: con, messages.CarrierTwilio: con}
	if cfg.TelnyxAPIKey != "" {
		r[messages.CarrierTelnyx] = &telnyx.Carrier{BaseURL: cfg.TelnyxAPIBaseURL, APIKey: cfg.TelnyxAPIKey,
			MessagingProfileID: cfg.TelnyxMessagingProfileID, WebhookURL: callbackBase(cfg, "/webhooks/telnyx/messages"), Client: client}
	} else {
		log.Info("TELNYX_API_KEY is not set: Telnyx texts are printed to the console instead of sent")
	}
	if cfg.TwilioAccountSID != "" && cfg.TwilioAuthToken != "" {
		r[messages.CarrierTwilio] = &twilio.Carrier{BaseURL: cfg.TwilioAPIBaseURL, AccountSID: cfg.TwilioAccountSID,
			AuthToken: cfg.TwilioAuthToken, StatusCallback: callbackBase(cfg, "/webhooks/twilio/status"), Client: client}
	} else {
		log.Info("TWILIO_ACCOUNT_SID or TWILIO_AUTH_TOKEN is not set: Twilio texts are printed to the console instead of sent")
	}
	return r
}
