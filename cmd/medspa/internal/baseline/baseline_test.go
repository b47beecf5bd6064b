package baseline_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/medspa/engine/cmd/medspa/internal/baseline"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/pgtest"
	"github.com/medspa/engine/persistence/postgres"
	"github.com/medspa/engine/persistence/sqlite"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/nats-io/nats-server/v2/server.(*Server).Start"),
		goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"))
}

type runFunc func(context.Context, baseline.Config) error

var systems = []struct {
	name string
	run  runFunc
	// decided: replies come from the conversation core, not a fixed text.
	decided bool
}{
	{"bare", baseline.RunBare, false},
	{"conventional", baseline.RunConventional, true},
}

type storeKind struct {
	name string
	open func(t *testing.T) persistence.Store
}

var stores = []storeKind{
	{"embedded", func(t *testing.T) persistence.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "store"), sqlite.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
	{"postgres", func(t *testing.T) persistence.Store {
		base, schema := pgtest.NewSchema(t)
		s, err := postgres.Open(context.Background(), base, postgres.Options{Schema: schema})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
}

// start runs one baseline against a fresh store and a Telnyx stub and
// returns its URL and the key it trusts.
func start(t *testing.T, run runFunc, store persistence.Store, tel *testkit.Telnyx) (string, ed25519.PrivateKey, clinic.Clinic, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	c := clinic.Demo()[0]
	natsURL := testkit.NATS(t)
	ctx, cancel := context.WithCancel(context.Background())
	started, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- run(ctx, baseline.Config{NATSURL: natsURL, Store: store, Clinics: []clinic.Clinic{c}, TelnyxPublicKey: pub,
			CarrierBaseURL: tel.URL, CarrierAPIKey: tel.APIKey, Listener: ln, Partitions: 2, Started: func() { close(started) }})
	}()
	select {
	case <-started:
	case err := <-done:
		cancel()
		t.Fatalf("did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(20 * time.Second):
			t.Error("did not stop in 20s")
		}
	})
	return "http://" + ln.Addr().String(), priv, c, natsURL
}

// TestOneReplyPerInboundDuplicatesDeduped posts every text of three leads
// twice (a carrier retry) and a forged one, and expects exactly one reply
// per text, from the number texted, none to the forger.
func TestOneReplyPerInboundDuplicatesDeduped(t *testing.T) {
	for _, sys := range systems {
		for _, sk := range stores {
			t.Run(sys.name+"/"+sk.name, func(t *testing.T) {
				tel := testkit.NewTelnyx(t)
				url, priv, c, natsURL := start(t, sys.run, sk.open(t), tel)
				client := &http.Client{Timeout: 10 * time.Second}
				clinicNumber := c.PhoneNumbers[0]
				texts := []string{"Hi, I'm Dana", "how much is botox?", "what are your hours?"}
				leads := []string{"+13125550101", "+13125550102", "+13125550103"}
				for step, text := range texts {
					for i, lead := range leads {
						body := testkit.TelnyxMessage(fmt.Sprintf("ev-%d-%d", i, step), lead, clinicNumber, text, time.Now())
						for range 2 {
							status, resp := testkit.Post(t, client, url+"/webhooks/telnyx/messages", testkit.SignTelnyx(priv, body, time.Now()), body)
							require.Equal(t, http.StatusOK, status, resp)
						}
						tel.WaitFor(t, lead, step+1, 10*time.Second)
					}
				}
				_, forger, err := ed25519.GenerateKey(rand.Reader)
				require.NoError(t, err)
				body := testkit.TelnyxMessage("forged", "+18725550100", clinicNumber, "Hi", time.Now())
				status, _ := testkit.Post(t, client, url+"/webhooks/telnyx/messages", testkit.SignTelnyx(forger, body, time.Now()), body)
				require.Equal(t, http.StatusUnauthorized, status)

				// Nothing is left in flight: every inbound text and reply
				// command is acknowledged, so no late duplicate can come.
				testkit.DrainedURL(t, natsURL, messages.StreamInbound, messages.StreamOutbound)
				for _, lead := range leads {
					got := tel.SentTo(lead)
					require.Len(t, got, len(texts), "one reply per text, duplicates deduped")
					for _, m := range got {
						require.Equal(t, clinicNumber, m.From)
						if !sys.decided {
							require.Equal(t, baseline.BareReply, m.Text)
						}
					}
					if sys.decided {
						require.Contains(t, got[1].Text, "Botox", "the conversation core answered")
					}
				}
				require.Empty(t, tel.SentTo("+18725550100"))
				require.Len(t, tel.Sent(), len(texts)*len(leads))
			})
		}
	}
}
