package gateway_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/sqlite"
)

// Numbers of the fixtures: the clinic's Telnyx number and the lead.
const (
	clinicNumber = "+17735550100"
	leadNumber   = "+13125550123"
	// The numbers of the Twilio fixtures: clinic_a's Twilio number, a lead.
	twilioClinicNumber = "+17735550101"
	twilioLeadNumber   = "+13125550199"
	twilioToken        = "twilio_test_auth_token"
	publicBaseURL      = "https://sms.example.com"
)

var testNow = time.Date(2026, 11, 20, 18, 10, 3, 0, time.UTC)

// startJetStream runs an embedded nats-server with JetStream and a stream on
// medspa.in.>, torn down with the test.
func startJetStream(t *testing.T) (jetstream.JetStream, jetstream.Stream) {
	t.Helper()
	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
	})
	if err != nil {
		t.Fatalf("nats server: %v", err)
	}
	s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready")
	}
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatalf("nats connect: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("jetstream: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: "TEST_IN", Subjects: []string{"medspa.in.>"}, Duplicates: 10 * time.Minute,
	})
	if err != nil {
		t.Fatalf("create stream: %v", err)
	}
	return js, st
}

// jsPublisher publishes to JetStream and waits for the PubAck.
type jsPublisher struct{ js jetstream.JetStream }

func (p jsPublisher) Publish(ctx context.Context, subject, msgID string, data []byte, origin time.Time) error {
	m := nats.NewMsg(subject)
	m.Data = data
	m.Header.Set(jetstream.MsgIDHeader, msgID)
	m.Header.Set(messages.HeaderOrigin, origin.Format(time.RFC3339Nano))
	_, err := p.js.PublishMsg(ctx, m)
	return err
}

// failingPublisher fails every publish, like a JetStream without quorum.
type failingPublisher struct{}

func (failingPublisher) Publish(context.Context, string, string, []byte, time.Time) error {
	return errors.New("nats: no responders available for request")
}

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type env struct {
	t       *testing.T
	srv     *httptest.Server
	priv    ed25519.PrivateKey
	metrics *gateway.Metrics
	logs    *syncBuffer
	stream  jetstream.Stream
	secret  []byte
}

type option func(*gateway.Config)

func withPublisher(p gateway.Publisher) option { return func(c *gateway.Config) { c.Publisher = p } }
func withStore(s persistence.Store) option     { return func(c *gateway.Config) { c.Store = s } }
func withReady(f func(context.Context) error) option {
	return func(c *gateway.Config) { c.Ready = f }
}

func testClinics() *directory.Directory {
	return directory.New([]clinic.Clinic{
		{ID: "clinic_a", Name: "Glow Chicago", Timezone: "America/Chicago", PhoneNumbers: []string{clinicNumber, twilioClinicNumber}},
		{ID: "clinic_b", Name: "Glow Miami", Timezone: "America/New_York", PhoneNumbers: []string{"+13055550100"}},
	})
}

// newEnv starts a gateway over a real JetStream, unless an option replaces
// the publisher.
func newEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	priv := ed25519.NewKeyFromSeed(seed)
	logs := &syncBuffer{}
	reg := prometheus.NewRegistry()
	e := &env{t: t, priv: priv, logs: logs, metrics: gateway.NewMetrics(reg), secret: []byte("0123456789abcdef0123456789abcdef")}
	cfg := gateway.Config{
		TelnyxPublicKey: priv.Public().(ed25519.PublicKey),
		JWTSecret:       e.secret,
		TwilioAuthToken: twilioToken,
		PublicBaseURL:   publicBaseURL,
		Clinics:         testClinics(),
		Logger:          slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Metrics:         e.metrics,
		Now:             func() time.Time { return testNow },
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.Store == nil && cfg.RateCounts == nil {
		// The web form counts its limits in a store.
		cfg.RateCounts = emptyStore(t)
	}
	if cfg.Publisher == nil {
		js, st := startJetStream(t)
		cfg.Publisher = jsPublisher{js: js}
		e.stream = st
	}
	e.srv = httptest.NewServer(gateway.NewServer(cfg))
	t.Cleanup(e.srv.Close)
	return e
}

// emptyStore is a fresh embedded store, closed with the test.
func emptyStore(t *testing.T) persistence.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "telnyx", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

// postTelnyx posts body signed with key at ts to the Telnyx webhook.
func (e *env) postTelnyx(body []byte, key ed25519.PrivateKey, ts time.Time) *http.Response {
	e.t.Helper()
	return e.do(gateway.SignedTelnyx(e.t, e.srv.URL+"/webhooks/telnyx/messages", body, key, ts))
}

func (e *env) do(req *http.Request) *http.Response {
	e.t.Helper()
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

func (e *env) get(path, token string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.do(req)
}

// streamMsgs returns how many messages the inbound stream holds.
func (e *env) streamMsgs() uint64 {
	e.t.Helper()
	info, err := e.stream.Info(context.Background())
	if err != nil {
		e.t.Fatalf("stream info: %v", err)
	}
	return info.State.Msgs
}

func (e *env) count(outcome string) float64 {
	e.t.Helper()
	return e.countFor("telnyx", outcome)
}

// countFor returns medspa_webhooks_total{provider, outcome}.
func (e *env) countFor(provider, outcome string) float64 {
	e.t.Helper()
	n, ok := gateway.WebhookCount(e.t, e.metrics, provider, outcome)
	if !ok {
		e.t.Fatalf("no medspa_webhooks_total{provider=%s,outcome=%s}", provider, outcome)
	}
	return n
}

// wantStatus checks a response's status; for errors, that the body is a
// problem with the same status.
func wantStatus(t *testing.T, res *http.Response, status int) map[string]any {
	t.Helper()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", res.StatusCode, status, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	if status >= 400 {
		if ct := res.Header.Get("Content-Type"); ct != gateway.ContentTypeProblem {
			t.Fatalf("Content-Type = %q, want %q", ct, gateway.ContentTypeProblem)
		}
		if m["status"] != float64(status) || m["title"] == "" || m["type"] == nil {
			t.Fatalf("problem body = %v", m)
		}
	}
	return m
}

// decode checks a 200 answer and decodes its JSON body into v.
func decode(t *testing.T, res *http.Response, v any) {
	t.Helper()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", res.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

const minute = time.Minute

// withLimits sets the web lead rate limits per address and per phone.
func withLimits(ip, phone gateway.RateLimit) option {
	return func(c *gateway.Config) { c.LeadLimitIP, c.LeadLimitPhone = ip, phone }
}
