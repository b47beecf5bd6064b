package gateway

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/go-chi/chi/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/sqlite"
)

var adminNow = time.Date(2026, 11, 20, 18, 10, 3, 0, time.UTC)

const (
	adminClinicNumber = "+17735550100"
	adminLeadNumber   = "+13125550123"
)

// adminEnv is the admin API and the hosted-order webhook over a real
// SQLite store, a real JetStream and the Telnyx admin stub.
type adminEnv struct {
	t       *testing.T
	srv     *httptest.Server
	stub    *testkit.TelnyxAdmin
	store   persistence.Store
	stream  jetstream.Stream
	metrics *Metrics
	secret  []byte
	priv    ed25519.PrivateKey
}

type adminOpt func(*Config, *AdminConfig)

func newAdminEnv(t *testing.T, opts ...adminOpt) *adminEnv {
	t.Helper()
	e := &adminEnv{t: t, stub: testkit.NewTelnyxAdmin(t), secret: []byte("0123456789abcdef0123456789abcdef")}
	e.priv = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	s, err := sqlite.Open(t.Context(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	e.store = s
	cfg := Config{
		TelnyxPublicKey: e.priv.Public().(ed25519.PublicKey),
		JWTSecret:       e.secret,
		Store:           s,
		Now:             func() time.Time { return adminNow },
		Clinics: directory.New([]clinic.Clinic{
			{ID: "clinic_a", Name: "Glow Chicago", Timezone: "America/Chicago", PhoneNumbers: []string{adminClinicNumber}},
			{ID: "clinic_b", Name: "Glow Miami", Timezone: "America/New_York", PhoneNumbers: []string{"+13055550100"}},
		}),
	}
	admin := AdminConfig{TelnyxAPIBaseURL: e.stub.URL, TelnyxAPIKey: e.stub.APIKey, MessagingProfileID: "prof-default"}
	for _, o := range opts {
		o(&cfg, &admin)
	}
	if cfg.Publisher == nil {
		cfg.Publisher, e.stream = adminJetStream(t)
	}
	cfg = cfg.withDefaults()
	e.metrics = cfg.Metrics
	r := chi.NewRouter()
	r.Use(requestID(cfg.Logger))
	r.Route("/admin", adminRoutes(cfg, admin))
	r.Method(http.MethodPost, "/webhooks/telnyx/hosted", handleTelnyxHosted(cfg.TelnyxPublicKey, cfg.Store, cfg.Metrics, cfg.Now))
	e.srv = httptest.NewServer(r)
	t.Cleanup(e.srv.Close)
	return e
}

type jsPub struct{ js jetstream.JetStream }

func (p jsPub) Publish(ctx context.Context, subject, msgID string, data []byte, _ time.Time) error {
	m := nats.NewMsg(subject)
	m.Data = data
	m.Header.Set(jetstream.MsgIDHeader, msgID)
	_, err := p.js.PublishMsg(ctx, m)
	return err
}

func adminJetStream(t *testing.T) (Publisher, jetstream.Stream) {
	t.Helper()
	nc, err := nats.Connect(testkit.NATS(t))
	if err != nil {
		t.Fatalf("nats connect: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := js.CreateStream(t.Context(), jetstream.StreamConfig{Name: "TEST_IN", Subjects: []string{"medspa.in.>"}, Duplicates: 10 * time.Minute})
	if err != nil {
		t.Fatalf("create stream: %v", err)
	}
	return jsPub{js: js}, st
}

func (e *adminEnv) token(role, clinicID string) string {
	e.t.Helper()
	tok, err := IssueToken(e.secret, "ops-1", role, clinicID, time.Hour, adminNow)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// call sends a request with an admin token (or tok when not empty; "-" for
// none) and returns the status and decoded JSON body.
func (e *adminEnv) call(method, path, tok string, body any, hdr ...string) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	switch tok {
	case "":
		req.Header.Set("Authorization", "Bearer "+e.token(RoleAdmin, ""))
	case "-":
	default:
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.do(req)
}

func (e *adminEnv) do(req *http.Request) (int, map[string]any) {
	e.t.Helper()
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		e.t.Fatalf("%s %s: body is not JSON: %s", req.Method, req.URL.Path, raw)
	}
	if res.StatusCode >= 400 {
		if ct := res.Header.Get("Content-Type"); ct != ContentTypeProblem || m["status"] != float64(res.StatusCode) {
			e.t.Fatalf("%s %s: %d with Content-Type %q, body %s; want a problem", req.Method, req.URL.Path, res.StatusCode, ct, raw)
		}
	}
	return res.StatusCode, m
}

// postHosted posts body to the hosted-order webhook signed with key.
func (e *adminEnv) postHosted(body []byte, key ed25519.PrivateKey) (int, map[string]any) {
	e.t.Helper()
	return e.do(SignedTelnyx(e.t, e.srv.URL+"/webhooks/telnyx/hosted", body, key, adminNow))
}

func (e *adminEnv) records(kind string) []persistence.AdminRecord {
	e.t.Helper()
	rs, err := e.store.ListAdminRecords(e.t.Context(), kind, "", 200)
	if err != nil {
		e.t.Fatal(err)
	}
	return rs
}

func (e *adminEnv) count(outcome string) float64 {
	e.t.Helper()
	n, _ := WebhookCount(e.t, e.metrics, ProviderTelnyxHosted, outcome)
	return n
}

func wantCode(t *testing.T, what string, got, want int, body map[string]any) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d; body %v", what, got, want, body)
	}
}

func problemFields(body map[string]any) map[string]any {
	m, _ := body["errors"].(map[string]any)
	return m
}

// streamEnvelopes returns the envelopes in the inbound stream.
func (e *adminEnv) streamEnvelopes() []messages.Envelope {
	e.t.Helper()
	envs, subjects := StreamedEnvelopes(e.t, e.stream)
	for i, env := range envs {
		if env.Kind == messages.KindStaff && subjects[i] != messages.InboundSubject(env.ClinicID, env.LeadID, env.Kind) {
			e.t.Errorf("subject %s, want %s", subjects[i], messages.InboundSubject(env.ClinicID, env.LeadID, env.Kind))
		}
	}
	return envs
}
