package storm_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/cmd/medspa/internal/storm"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clinicsync"
	"github.com/medspa/engine/internal/testkit"
)

// startEngine runs the whole system in-process (embedded NATS on a random
// port, embedded store) sending through stubURL, and returns the gateway
// URL and the webhook signing key it trusts.
func startEngine(t *testing.T, stubURL, apiKey, clinicsFile string, tweak ...func(*app.Config)) (string, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	cfg := app.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.NATSURL = testkit.NATS(t)
	cfg.TelnyxPublicKey = base64.StdEncoding.EncodeToString(pub)
	cfg.TelnyxAPIKey = apiKey
	cfg.TelnyxAPIBaseURL = stubURL
	cfg.JWTSecret = "test-secret-test-secret-test-secret!"
	cfg.Partitions = 4
	cfg.ClinicsFile = clinicsFile
	for _, f := range tweak {
		f(&cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	started, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- app.Run(ctx, cfg, app.Options{Roles: app.All, Listener: ln, Started: func() { close(started) }})
	}()
	select {
	case <-started:
	case err := <-done:
		cancel()
		t.Fatalf("engine did not start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("engine did not start in 30s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Error("engine did not stop in 30s")
		}
	})
	return "http://" + ln.Addr().String(), priv
}

// manyClinics writes n copies of the first demo clinic, each with a Telnyx
// number of its own: the sender limits texts per sending number (1/s, bursts
// of 5, like a 10DLC number), so a short storm needs many numbers.
func manyClinics(t *testing.T, n int, twilio ...bool) ([]clinic.Clinic, string) {
	base := clinic.Demo()[0]
	out := make([]clinic.Clinic, n)
	for i := range out {
		c := base
		c.ID = fmt.Sprintf("storm-%02d", i)
		c.Name = fmt.Sprintf("Storm Spa %02d", i)
		c.PhoneNumbers = []string{fmt.Sprintf("+1773555%04d", 2000+i)}
		c.TwilioNumbers = nil
		if len(twilio) > 0 && twilio[0] {
			c.TwilioNumbers = c.PhoneNumbers
		}
		out[i] = c
	}
	b, err := json.Marshal(map[string]any{"clinics": out})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "clinics.json")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	loaded, err := clinicsync.LoadFile(path)
	require.NoError(t, err)
	return loaded, path
}

func stubListener(t *testing.T) (net.Listener, string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln, "http://" + ln.Addr().String()
}

func TestStormAgainstRealEngineVerifiesCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	ln, stubURL := stubListener(t)
	clinics, file := manyClinics(t, 50)
	url, key := startEngine(t, stubURL, "storm-key", file)
	rep, err := storm.Run(context.Background(), storm.Options{
		URL: url, MetricsURL: url + "/metrics", Clinics: clinics, Key: key,
		StubListener: ln, StubAPIKey: "storm-key",
		LeadsPerClinic: 4, Rate: 150, Duration: 5 * time.Second, Messages: 200,
		DupShare: 0.1, BadSigShare: 0.05, Drain: 5 * time.Second, Settle: 500 * time.Millisecond, Seed: 7,
	})
	require.NoError(t, err)
	var table strings.Builder
	require.NoError(t, rep.WriteTable(&table))
	t.Log("\n" + table.String())

	require.True(t, rep.Passed, rep.Failures)
	require.Equal(t, 200, rep.Tally.Messages, "the message budget is spent")
	require.Equal(t, 200, rep.Verification.Accepted)
	require.Equal(t, 200, rep.Verification.Matched, "one right reply per message")
	require.Positive(t, rep.Tally.DupPosted)
	require.Equal(t, rep.Tally.DupPosted, rep.Tally.DupAccepted)
	require.Positive(t, rep.Tally.BadPosted)
	require.Equal(t, rep.Tally.BadPosted, rep.Tally.BadRejected)
	require.Equal(t, 200, rep.Latency.Count)
	require.True(t, rep.Engine.Scraped, rep.Engine.Error)
	require.Positive(t, rep.Engine.RSSPeak)
	require.EqualValues(t, 200, rep.Engine.Counters[`medspa_replies_sent_total{carrier="telnyx"}`], rep.Engine.Counters)
}

// The same storm as Twilio would send it: signed form posts to the
// clinics' Twilio numbers, replies through the stub playing Twilio's
// Messages API, forgeries answered 403.
func TestStormAsTwilioVerifiesCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	ln, stubURL := stubListener(t)
	clinics, file := manyClinics(t, 30, true)
	const sid, token, public = "ACstorm00000000000000000000000000", "storm-twilio-token", "https://sms.example.test"
	url, _ := startEngine(t, stubURL, "storm-key", file, func(c *app.Config) {
		c.TwilioAccountSID, c.TwilioAuthToken, c.TwilioAPIBaseURL, c.PublicBaseURL = sid, token, stubURL, public
	})
	rep, err := storm.Run(context.Background(), storm.Options{
		URL: url, MetricsURL: url + "/metrics", Clinics: clinics, Carrier: "twilio",
		TwilioAccountSID: sid, TwilioAuthToken: token, PublicBaseURL: public,
		StubListener: ln, StubAPIKey: "storm-key",
		LeadsPerClinic: 4, Rate: 120, Duration: 5 * time.Second, Messages: 120,
		DupShare: 0.1, BadSigShare: 0.05, Drain: 5 * time.Second, Settle: 500 * time.Millisecond, Seed: 9,
	})
	require.NoError(t, err)
	var table strings.Builder
	require.NoError(t, rep.WriteTable(&table))
	t.Log("\n" + table.String())

	require.True(t, rep.Passed, rep.Failures)
	require.Equal(t, 120, rep.Verification.Accepted)
	require.Equal(t, 120, rep.Verification.Matched, "one right reply per message")
	require.Positive(t, rep.Tally.DupPosted)
	require.Equal(t, rep.Tally.DupPosted, rep.Tally.DupAccepted)
	require.Positive(t, rep.Tally.BadPosted)
	require.Equal(t, rep.Tally.BadPosted, rep.Tally.BadRejected, "every forgery answered 403")
	require.EqualValues(t, 120, rep.Engine.Counters[`medspa_replies_sent_total{carrier="twilio"}`], rep.Engine.Counters)
}
