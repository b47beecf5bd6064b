package app_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/compliance"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence/pgtest"
)

const (
	clinicNumber = "+17735550100" // glow-chicago, a Telnyx number in the demo clinics
	clinicID     = "glow-chicago"
)

// chicago is the demo clinics' zone, and their leads' (area code 312).
var chicago = func() *time.Location {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		panic(err)
	}
	return loc
}()

// daytime is the instant the end-to-end tests run at unless TEST_CLOCK
// names another: Tuesday 8 December 2026, 14:00 in Chicago, inside every
// quiet-hour window.
var daytime = time.Date(2026, time.December, 8, 14, 0, 0, 0, chicago)

// runAt is the instant a time-sensitive test starts at: TEST_CLOCK (RFC
// 3339, for example 2026-03-08T02:30:00-06:00, night on a DST change day)
// when it is set, daytime otherwise. Tests whose point is daytime behaviour
// use daytime itself.
func runAt(t testing.TB) time.Time {
	v := os.Getenv("TEST_CLOCK")
	if v == "" {
		return daytime
	}
	at, err := time.Parse(time.RFC3339, v)
	require.NoError(t, err, "TEST_CLOCK must be RFC 3339")
	return at
}

// clocks holds each test's clock, so a system restarted in the same test
// keeps the time it had reached.
var clocks sync.Map // testing.TB -> *clock.Test

// testClock is the test's clock, started at runAt on first use.
func testClock(t testing.TB) *clock.Test {
	return clockAt(t, runAt(t))
}

// clockAt is the test's clock, started at at on first use.
func clockAt(t testing.TB, at time.Time) *clock.Test {
	if c, ok := clocks.Load(t); ok {
		return c.(*clock.Test)
	}
	c := clock.NewTest(at)
	clocks.Store(t, c)
	t.Cleanup(func() { clocks.Delete(t) })
	return c
}

// toWindow advances c, when it is outside the quiet-hour window of lead, to
// the moment the window opens (plus a minute), so that initiated texts held
// for it are sent; it reports whether it moved the clock.
func toWindow(c *clock.Test, lead string) bool {
	now := c.Now()
	d := compliance.Check(messages.PurposeInitiated, compliance.Recipient{Phone: lead}, "America/Chicago", now, nil)
	if d.Allowed {
		return false
	}
	c.Advance(d.NotBefore.Sub(now) + time.Minute)
	return true
}

// system is one running medspa (all roles) with its carrier stub.
type system struct {
	t       testing.TB
	cfg     app.Config
	priv    ed25519.PrivateKey
	telnyx  *testkit.Telnyx
	baseURL string
	stop    func()
	client  *http.Client
	now     func() time.Time // the system's clock; webhooks are signed with it
}

type storeKind struct {
	name string
	url  func(t testing.TB) string
}

// stores are the store implementations every end-to-end test runs against.
var stores = []storeKind{
	{"embedded", func(testing.TB) string { return "" }},
	{"postgres", func(t testing.TB) string { u, _ := pgtest.NewSchemaURL(t); return u }},
}

func newConfig(t testing.TB, dbURL string) (app.Config, ed25519.PrivateKey, *testkit.Telnyx) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	tel := testkit.NewTelnyx(t)
	cfg := app.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.DatabaseURL = dbURL
	cfg.NATSURL = testkit.NATS(t)
	cfg.TelnyxPublicKey = base64.StdEncoding.EncodeToString(pub)
	cfg.TelnyxAPIKey = tel.APIKey
	cfg.TelnyxAPIBaseURL = tel.URL
	cfg.JWTSecret = "test-secret-test-secret-test-secret!"
	cfg.Partitions = 4
	return cfg, priv, tel
}

// start runs the system until stop is called or the test ends.
func start(t testing.TB, cfg app.Config, priv ed25519.PrivateKey, tel *testkit.Telnyx) *system {
	t.Helper()
	return startWith(t, cfg, priv, tel, app.Options{})
}

// startWith is start with options (a clock, a carrier). Without a clock the
// system runs on the test's clock (testClock).
func startWith(t testing.TB, cfg app.Config, priv ed25519.PrivateKey, tel *testkit.Telnyx, o app.Options) *system {
	t.Helper()
	if o.Now == nil {
		o.Now = testClock(t).Now
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		o.Roles, o.Listener, o.Started = app.All, ln, func() { close(started) }
		done <- app.Run(ctx, cfg, o)
	}()
	select {
	case <-started:
	case err := <-done:
		cancel()
		t.Fatalf("system did not start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("system did not start in 30s")
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Error("system did not stop in 30s")
			}
		})
	}
	t.Cleanup(stop)
	return &system{t: t, cfg: cfg, priv: priv, telnyx: tel, baseURL: "http://" + ln.Addr().String(), stop: stop, now: o.Now,
		client: &http.Client{Timeout: 10 * time.Second}}
}

// sms posts a signed Telnyx message.received webhook.
func (s *system) sms(eventID, from, text string) (int, string) {
	body := testkit.TelnyxMessage(eventID, from, clinicNumber, text, s.now())
	return testkit.Post(s.t, s.client, s.baseURL+"/webhooks/telnyx/messages", testkit.SignTelnyx(s.priv, body, s.now()), body)
}

func (s *system) token() string {
	tok, err := gateway.IssueToken([]byte(s.cfg.JWTSecret), "tester", "staff", clinicID, time.Hour, s.now())
	require.NoError(s.t, err)
	return tok
}

// barrier proves what reached lead before it: the lead texts again and
// waits for the answer (the last text, containing answer), which the engine
// decides after everything before the text and the sender delivers after
// every earlier text of the lead. It returns the texts before the answer.
func (s *system) barrier(tel *testkit.Telnyx, eventID, lead, text, answer string) []testkit.SentSMS {
	s.t.Helper()
	n := len(tel.SentTo(lead))
	require.Equal(s.t, http.StatusOK, first(s.sms(eventID, lead, text)))
	var got []testkit.SentSMS
	ok := assert.Eventually(s.t, func() bool {
		got = tel.SentTo(lead)
		return len(got) > n && strings.Contains(got[len(got)-1].Text, answer)
	}, 10*time.Second, 10*time.Millisecond)
	require.True(s.t, ok, "the answer to %q (%q) is the last text: %+v", text, answer, got)
	return got[:len(got)-1]
}

// count is how many of texts contain s.
func count(texts []testkit.SentSMS, s string) int {
	n := 0
	for _, t := range texts {
		if strings.Contains(t.Text, s) {
			n++
		}
	}
	return n
}

// drained waits until the work-queue stream holds no message: every
// command published to it has been acknowledged by its consumer.
func (s *system) drained(stream string) {
	s.t.Helper()
	testkit.DrainedURL(s.t, s.cfg.NATSURL, stream)
}

// inboundCount is how many messages the inbound stream ever stored.
func inboundCount(t testing.TB, natsURL string) uint64 {
	nc, err := nats.Connect(natsURL)
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	st, err := js.Stream(context.Background(), messages.StreamInbound)
	require.NoError(t, err)
	info, err := st.Info(context.Background())
	require.NoError(t, err)
	return info.State.LastSeq
}

func forEachStore(t *testing.T, f func(t *testing.T, dbURL string)) {
	for _, sk := range stores {
		t.Run(sk.name, func(t *testing.T) { f(t, sk.url(t)) })
	}
}

func TestSignedSMSGetsExactlyOneReply(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		sys := start(t, cfg, priv, tel)
		lead := "+13125550123"
		status, body := sys.sms("b301ed3f-1490-491f-995f-6e64e69674d4", lead, "Hi! How much is Botox?")
		require.Equal(t, http.StatusOK, status, body)

		got := tel.WaitFor(t, lead, 1, 10*time.Second)
		require.Len(t, got, 1)
		require.Equal(t, clinicNumber, got[0].From)
		require.Contains(t, got[0].Text, "$12 per unit")
		require.Contains(t, got[0].Text, "Glow Chicago")
		// Exactly one reply: a second would reach the lead before the
		// answer to the lead's next text.
		require.Len(t, sys.barrier(tel, "b301ed3f-1490-491f-995f-6e64e69674d5", lead, "How much is lip filler?", "$650"), 1)
	})
}

func TestDuplicateWebhooksGiveOneReply(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		sys := start(t, cfg, priv, tel)
		lead := "+13125550124"
		body := testkit.TelnyxMessage("dup-event-1", lead, clinicNumber, "How much is lip filler?", sys.now())
		h := testkit.SignTelnyx(priv, body, sys.now())
		var wg sync.WaitGroup
		statuses := make([]int, 5)
		for i := range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i], _ = testkit.Post(t, sys.client, sys.baseURL+"/webhooks/telnyx/messages", h.Clone(), body)
			}()
		}
		wg.Wait()
		for _, s := range statuses {
			require.Equal(t, http.StatusOK, s)
		}
		got := tel.WaitFor(t, lead, 1, 10*time.Second)
		require.Len(t, got, 1)
		require.Len(t, sys.barrier(tel, "dup-event-2", lead, "How much is Botox?", "$12 per unit"), 1, "five deliveries of one webhook, one reply")
	})
}

func TestBadSignatureIsRejectedAndNothingPublished(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	sys := start(t, cfg, priv, tel)
	body := testkit.TelnyxMessage("bad-sig-1", "+13125550125", clinicNumber, "hello", sys.now())
	_, wrongKey, _ := ed25519.GenerateKey(rand.Reader)
	status, resp := testkit.Post(t, sys.client, sys.baseURL+"/webhooks/telnyx/messages", testkit.SignTelnyx(wrongKey, body, sys.now()), body)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, resp, `"status":401`)
	// Tampered body with a good signature of the original.
	h := testkit.SignTelnyx(priv, body, sys.now())
	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-3] = ' '
	status, _ = testkit.Post(t, sys.client, sys.baseURL+"/webhooks/telnyx/messages", h, tampered)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Zero(t, inboundCount(t, cfg.NATSURL), "nothing published")
	require.Empty(t, tel.Sent())
}

func TestConversationSurvivesEngineRestart(t *testing.T) {
	forEachStore(t, func(t *testing.T, dbURL string) {
		cfg, priv, tel := newConfig(t, dbURL)
		lead := "+13125550126"
		sys := start(t, cfg, priv, tel)
		status, _ := sys.sms("restart-1", lead, "Hi, my name is Priya")
		require.Equal(t, http.StatusOK, status)
		first := tel.WaitFor(t, lead, 1, 10*time.Second)
		require.Len(t, first, 1)
		require.Contains(t, first[0].Text, "Priya")
		sys.stop()

		sys = start(t, cfg, priv, tel)
		status, _ = sys.sms("restart-2", lead, "Hello")
		require.Equal(t, http.StatusOK, status)
		got := tel.WaitFor(t, lead, 2, 10*time.Second)
		require.Len(t, got, 2)
		require.Contains(t, got[1].Text, "Priya", "the name given before the restart is known after it")

		// The staff API shows the whole conversation.
		req, _ := http.NewRequest(http.MethodGet, sys.baseURL+"/v1/clinics/"+clinicID+"/conversations/"+messages.LeadID(clinicID, lead), nil)
		req.Header.Set("Authorization", "Bearer "+sys.token())
		resp, err := sys.client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var conv struct {
			Name     string `json:"name"`
			Source   string `json:"source"`
			Version  int64  `json:"version"`
			Messages []struct {
				Direction string `json:"direction"`
				Text      string `json:"text"`
			} `json:"messages"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&conv))
		require.Equal(t, "Priya", conv.Name)
		require.Equal(t, "actor", conv.Source, "the active conversation's state comes from its actor")
		require.EqualValues(t, 2, conv.Version)
		require.Len(t, conv.Messages, 4, fmt.Sprintf("%+v", conv.Messages))
		require.Equal(t, "in", conv.Messages[0].Direction)
		require.Equal(t, "out", conv.Messages[3].Direction)
	})
}
