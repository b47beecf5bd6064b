package storm

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/cmd/medspa/internal/baseline"
	"github.com/medspa/engine/internal/carrier"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/telnyx"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/postgres"
	"github.com/medspa/engine/persistence/sqlite"
)

// The systems --compare measures.
const (
	SystemEngine       = "engine"
	SystemBare         = "bare"
	SystemConventional = "conventional"
)

// running is one system under test, started in this process on fresh data.
type running struct {
	url  string
	key  ed25519.PrivateKey
	stop func() error
}

// sandbox is the fresh data of one system: a directory and, in Postgres
// mode, a schema of its own.
type sandbox struct {
	dir    string
	dbBase string // Postgres base URL; "" for the embedded store
	schema string
}

func newSandbox(parent, dbBase, name string) (*sandbox, error) {
	dir, err := os.MkdirTemp(parent, "compare-"+name+"-")
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	sb := &sandbox{dir: dir, dbBase: dbBase}
	if dbBase != "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		sb.schema = fmt.Sprintf("storm_%s_%x", name, b)
	}
	return sb, nil
}

// openStore opens (and migrates) the sandbox's store.
func (s *sandbox) openStore(ctx context.Context) (persistence.Store, error) {
	if s.dbBase != "" {
		// The engine's pool size (app.OpenStore): pgxpool's default of 4
		// connections would hold the conventional design's 64 concurrent
		// transactions to 4.
		st, err := postgres.Open(ctx, s.dbBase, postgres.Options{Schema: s.schema, MaxConns: app.PostgresPoolSize})
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		return st, nil
	}
	st, err := sqlite.Open(ctx, filepath.Join(s.dir, "store"), sqlite.Options{})
	if err != nil {
		return nil, fmt.Errorf("open embedded store: %w", err)
	}
	return st, nil
}

// createSchema creates and migrates the sandbox's schema.
func (s *sandbox) createSchema(ctx context.Context) error {
	st, err := s.openStore(ctx)
	if err != nil {
		return err
	}
	return st.Close()
}

// databaseURL is the sandbox's schema as a URL for app.Config.
func (s *sandbox) databaseURL() (string, error) {
	if s.dbBase == "" {
		return "", nil
	}
	u, err := url.Parse(s.dbBase)
	if err != nil {
		return "", fmt.Errorf("database url: %w", err)
	}
	q := u.Query()
	q.Set("search_path", s.schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// remove deletes the sandbox's directory and schema.
func (s *sandbox) remove() error {
	err := os.RemoveAll(s.dir)
	if s.dbBase != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		conn, cerr := pgx.Connect(ctx, s.dbBase)
		if cerr != nil {
			return fmt.Errorf("drop schema: %w", cerr)
		}
		defer conn.Close(ctx)
		if _, cerr := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{s.schema}.Sanitize()+" CASCADE"); cerr != nil {
			return fmt.Errorf("drop schema: %w", cerr)
		}
	}
	return err
}

// startSystem starts one system with its carrier at stubURL; ready is
// called with the store before the system starts (for a prefill).
// A non-nil carrierClient replaces the carrier HTTP client of all systems.
func startSystem(ctx context.Context, name string, sb *sandbox, clinics []clinic.Clinic, stubURL, apiKey string, carrierClient *http.Client, log *slog.Logger) (*running, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	started, done := make(chan struct{}), make(chan error, 1)
	var closeStore func() error
	switch name {
	case SystemEngine:
		cfg, err := engineConfig(sb, clinics, pub, stubURL, apiKey)
		if err == nil && sb.dbBase != "" {
			err = sb.createSchema(ctx) // the engine opens it by URL
		}
		if err != nil {
			cancel()
			return nil, err
		}
		ao := app.Options{Roles: app.All, Listener: ln, Logger: log, Console: io.Discard, Started: func() { close(started) }}
		if carrierClient != nil {
			ao.Carrier = carrier.Router{messages.CarrierTelnyx: &telnyx.Carrier{BaseURL: stubURL, APIKey: apiKey, Client: carrierClient}}
		}
		go func() { done <- app.Run(ctx, cfg, ao) }()
	case SystemBare, SystemConventional:
		store, err := sb.openStore(ctx)
		if err != nil {
			cancel()
			return nil, err
		}
		closeStore = store.Close
		run := baseline.RunBare
		if name == SystemConventional {
			run = baseline.RunConventional
		}
		bc := baseline.Config{DataDir: sb.dir, Store: store, Clinics: clinics, TelnyxPublicKey: pub, CarrierBaseURL: stubURL,
			CarrierAPIKey: apiKey, CarrierClient: carrierClient, Listener: ln, Logger: log, Started: func() { close(started) }}
		go func() { done <- run(ctx, bc) }()
	default:
		cancel()
		return nil, fmt.Errorf("unknown system %q", name)
	}
	select {
	case <-started:
	case err := <-done:
		cancel()
		if closeStore != nil {
			_ = closeStore()
		}
		return nil, fmt.Errorf("start %s: %w", name, err)
	case <-time.After(60 * time.Second):
		cancel()
		return nil, fmt.Errorf("start %s: not running after 60s", name)
	}
	stop := func() error {
		cancel()
		var err error
		select {
		case err = <-done:
		case <-time.After(60 * time.Second):
			err = fmt.Errorf("stop %s: still running after 60s", name)
		}
		if closeStore != nil {
			if cerr := closeStore(); cerr != nil && err == nil {
				err = cerr
			}
		}
		return err
	}
	return &running{url: "http://" + ln.Addr().String(), key: priv, stop: stop}, nil
}

// engineConfig is the engine's configuration for a comparison: the
// sandbox's data, the stub carrier, and no per-number send limit.
func engineConfig(sb *sandbox, clinics []clinic.Clinic, pub ed25519.PublicKey, stubURL, apiKey string) (app.Config, error) {
	cfg := app.Defaults()
	cfg.DataDir = sb.dir
	cfg.NATSListen = ""
	cfg.TelnyxPublicKey = base64.StdEncoding.EncodeToString(pub)
	cfg.TelnyxAPIKey = apiKey
	cfg.TelnyxAPIBaseURL = stubURL
	cfg.JWTSecret = "compare-secret-compare-secret-compare!"
	cfg.SendRatePerNumber, cfg.SendBurst = 1e9, 1<<20
	dbURL, err := sb.databaseURL()
	if err != nil {
		return app.Config{}, err
	}
	cfg.DatabaseURL = dbURL
	b, err := json.Marshal(map[string]any{"clinics": clinics})
	if err != nil {
		return app.Config{}, fmt.Errorf("encode clinics: %w", err)
	}
	cfg.ClinicsFile = filepath.Join(sb.dir, "clinics.json")
	if err := os.WriteFile(cfg.ClinicsFile, b, 0o600); err != nil {
		return app.Config{}, fmt.Errorf("write clinics: %w", err)
	}
	return cfg, nil
}

// CompareClinics returns n copies of the first demo clinic, each with a
// Telnyx number of its own, so that texts spread over many numbers,
// conversations and partitions.
func CompareClinics(n int) []clinic.Clinic {
	base := clinic.Demo()[0]
	out := make([]clinic.Clinic, n)
	for i := range out {
		c := base
		c.ID = fmt.Sprintf("cmp-%03d", i)
		c.Name = fmt.Sprintf("Compare Spa %03d", i)
		c.PhoneNumbers = []string{fmt.Sprintf("+1773555%04d", 3000+i)}
		c.TwilioNumbers = nil
		out[i] = c
	}
	return out
}

// PooledCarrierClient is a carrier client that keeps a connection per
// concurrent send instead of the default transport's two idle connections
// per host: with more concurrent sends than that, the default transport
// opens (and leaves in TIME_WAIT) a new connection for most texts.
func PooledCarrierClient() *http.Client {
	return carrier.NewHTTPClient()
}

// settle brings a freshly filled store to the state a store of that size
// is in when it has been running: on Postgres the sandbox's tables are
// analysed (this server may run without autovacuum) and a checkpoint
// writes the fill's dirty buffers; then the operating system writes its
// dirty pages (sync), so the storm that follows does not compete with the
// write-back of the fill.
func (s *sandbox) settle(ctx context.Context) error {
	if s.dbBase != "" {
		conn, err := pgx.Connect(ctx, s.dbBase)
		if err != nil {
			return fmt.Errorf("settle: %w", err)
		}
		defer conn.Close(ctx)
		schema := pgx.Identifier{s.schema}.Sanitize()
		for _, q := range []string{"SET search_path TO " + schema, "ANALYZE", "CHECKPOINT"} {
			if _, err := conn.Exec(ctx, q); err != nil {
				return fmt.Errorf("settle: %s: %w", q, err)
			}
		}
	}
	syscall.Sync()
	return nil
}
