package failover

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
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/cmd/medspa/internal/storm"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clinicsync"
	"github.com/medspa/engine/internal/testkit"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence/pgtest"
)

// plan is the shape of one run; failover_long.go stretches it.
type plan struct {
	traffic     time.Duration // storm load
	rate        float64       // messages per second offered
	killAt      time.Duration // SIGKILL of the first node, after the load starts
	pauseAt     time.Duration // SIGSTOP of the second node
	pauseFor    time.Duration // until its SIGCONT
	clinics     int
	leadsPerOne int
}

var shortPlan = plan{traffic: 20 * time.Second, rate: 40, killAt: 4 * time.Second, pauseAt: 11 * time.Second,
	pauseFor: 8 * time.Second, clinics: 40, leadsPerOne: 4}

const partitions = 8

const jwtSecret = "failover-secret-failover-secret-!!"

func TestFailoverThreeEngineProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes")
	}
	runFailover(t, activePlan())
}

func runFailover(t *testing.T, pl plan) {
	bin := buildMedspa(t)
	natsURL := testkit.NATS(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clinics, clinicsFile := manyClinics(t, pl.clinics)
	db := newDatabase(t)
	stubLn, stubURL := listen(t)

	shared := map[string]string{
		"NATS_URL": natsURL, "CLINICS_FILE": clinicsFile, "TELNYX_PUBLIC_KEY": base64.StdEncoding.EncodeToString(pub),
		"AUTH_JWT_SECRET": jwtSecret, "PARTITIONS": strconv.Itoa(partitions), "PORT": "0", "LOG_LEVEL": "info",
		"DATA_DIR": db.dataDir, "DATABASE_URL": db.url, "TELNYX_API_BASE_URL": stubURL, "TELNYX_API_KEY": "storm-key",
		"SEND_RATE_PER_NUMBER": "1000", "SEND_BURST": "1000",
	}
	if db.url == "" {
		delete(shared, "DATABASE_URL")
	}
	// Migrate once before the processes start together.
	mig := startOnce(t, bin, "migrate", env(shared))
	if out, err := mig.CombinedOutput(); err != nil {
		t.Fatalf("medspa migrate: %v\n%s", err, out)
	}

	// Gateway and sender run in this process; the engines are processes.
	gwURL := startGatewaySender(t, shared, stubURL)
	var engines []*engineProc
	for i := range 3 {
		engines = append(engines, startEngine(t, bin, fmt.Sprintf("engine-%d", i), env(shared)))
	}
	first := waitOwnership(t, engines, partitions, 30*time.Second)
	t.Logf("partitions at start: %v", first)
	for name, owned := range first {
		if len(owned) < partitions/3 || len(owned) > partitions/3+1 {
			t.Errorf("%s owns %v: not an even share", name, owned)
		}
	}

	js := jetStream(t, natsURL)
	victim, paused := engines[0], engines[1]
	type result struct {
		rep *storm.Report
		err error
	}
	res := make(chan result, 1)
	go func() {
		rep, err := storm.Run(context.Background(), storm.Options{
			URL: gwURL, Clinics: clinics, Key: priv, StubListener: stubLn, StubAPIKey: "storm-key",
			LeadsPerClinic: pl.leadsPerOne, Rate: pl.rate, Duration: pl.traffic, DupShare: 0.05, BadSigShare: 0.02,
			// A message delivered to the killed node comes back after the
			// inbound ack wait (6s) unless a later one of its lead catches
			// it up first: leads wait that long for their reply (the
			// report's max latency shows it).
			ReplyTimeout: 60 * time.Second, Drain: 90 * time.Second, Settle: 2 * time.Second, Seed: 11,
		})
		res <- result{rep, err}
	}()

	time.Sleep(pl.killAt)
	lost := victim.owned(t)
	before := delivered(t, js, lost)
	killed := time.Now()
	victim.signal(t, syscall.SIGKILL)
	t.Logf("SIGKILL %s owning %v", victim.name, lost)
	took := waitConsumed(t, js, lost, before, 60*time.Second)
	t.Logf("failover: the killed node's partitions %v were consumed again after %s", lost, took.Round(100*time.Millisecond))
	survivors := []*engineProc{engines[1], engines[2]}
	waitOwnership(t, survivors, partitions, 30*time.Second)
	t.Logf("ownership changed %s after the kill", time.Since(killed).Round(100*time.Millisecond))

	if wait := pl.pauseAt - time.Since(killed) - pl.killAt; wait > 0 {
		time.Sleep(wait)
	}
	stalled := paused.owned(t)
	before = delivered(t, js, stalled)
	paused.signal(t, syscall.SIGSTOP)
	t.Logf("SIGSTOP %s owning %v", paused.name, stalled)
	took = waitConsumed(t, js, stalled, before, 60*time.Second)
	t.Logf("deliveries on the paused node's partitions %v resumed after %s (the first may still go to its outstanding pull)", stalled, took.Round(100*time.Millisecond))
	if rest := pl.pauseFor - took; rest > 0 {
		time.Sleep(rest)
	}
	paused.signal(t, syscall.SIGCONT)
	t.Logf("SIGCONT %s", paused.name)

	r := <-res
	if r.err != nil {
		t.Fatalf("storm: %v", r.err)
	}
	var table strings.Builder
	_ = r.rep.WriteTable(&table)
	t.Log("\n" + table.String())
	v := r.rep.Verification
	if !r.rep.Passed || v.Lost != 0 || v.Duplicate != 0 || v.OutOfOrder != 0 {
		t.Errorf("storm verdict: passed=%v lost=%d duplicate=%d out_of_order=%d failures=%v", r.rep.Passed, v.Lost, v.Duplicate, v.OutOfOrder, r.rep.Failures)
	}
	if v.Accepted == 0 || v.Replies != v.Matched {
		t.Errorf("accepted %d, replies %d, matched %d: every reply must answer a message, once", v.Accepted, v.Replies, v.Matched)
	}
	final := waitOwnership(t, survivors, partitions, 30*time.Second)
	t.Logf("partitions at the end: %v", final)
	db.verify(t, v.Accepted)
}

// delivered returns each partition consumer's last delivered sequence.
func delivered(t *testing.T, js jetstream.JetStream, ps []int) map[int]uint64 {
	t.Helper()
	out := map[int]uint64{}
	for _, p := range ps {
		out[p] = consumerInfo(t, js, p).Delivered.Consumer
	}
	return out
}

func consumerInfo(t *testing.T, js jetstream.JetStream, p int) *jetstream.ConsumerInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := js.Consumer(ctx, messages.StreamInbound, messages.PartitionConsumer(p))
	if err != nil {
		t.Fatalf("partition %d consumer: %v", p, err)
	}
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatalf("partition %d consumer info: %v", p, err)
	}
	return info
}

// waitConsumed waits until every partition in ps delivered a message past
// before, and returns how long that took.
func waitConsumed(t *testing.T, js jetstream.JetStream, ps []int, before map[int]uint64, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	waiting := map[int]bool{}
	for _, p := range ps {
		waiting[p] = true
	}
	for len(waiting) > 0 {
		if time.Since(start) > within {
			t.Fatalf("partitions %v not consumed again within %s", waiting, within)
		}
		time.Sleep(50 * time.Millisecond)
		for p := range waiting {
			if consumerInfo(t, js, p).Delivered.Consumer > before[p] {
				delete(waiting, p)
			}
		}
	}
	return time.Since(start)
}

func jetStream(t *testing.T, url string) jetstream.JetStream {
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// startGatewaySender runs the gateway and sender roles in this process.
func startGatewaySender(t *testing.T, shared map[string]string, stubURL string) string {
	t.Helper()
	cfg := app.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.NATSURL = shared["NATS_URL"]
	cfg.DatabaseURL = shared["DATABASE_URL"]
	if cfg.DatabaseURL == "" {
		cfg.DataDir = shared["DATA_DIR"]
	}
	cfg.ClinicsFile = shared["CLINICS_FILE"]
	cfg.TelnyxPublicKey = shared["TELNYX_PUBLIC_KEY"]
	cfg.JWTSecret = jwtSecret
	cfg.Partitions = partitions
	cfg.TelnyxAPIBaseURL = stubURL
	cfg.TelnyxAPIKey = "storm-key"
	cfg.SendRatePerNumber, cfg.SendBurst = 1000, 1000
	ln, _ := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	started, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- app.Run(ctx, cfg, app.Options{Roles: app.Roles{Gateway: true, Sender: true}, Listener: ln, Started: func() { close(started) }})
	}()
	select {
	case <-started:
	case err := <-done:
		cancel()
		t.Fatalf("gateway and sender did not start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("gateway and sender did not start in 30s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("gateway and sender: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("gateway and sender did not stop in 30s")
		}
	})
	return "http://" + ln.Addr().String()
}

func listen(t *testing.T) (net.Listener, string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln, "http://" + ln.Addr().String()
}

// manyClinics writes n copies of the first demo clinic, each with a Telnyx
// number of its own.
func manyClinics(t *testing.T, n int) ([]clinic.Clinic, string) {
	base := clinic.Demo()[0]
	out := make([]clinic.Clinic, n)
	for i := range out {
		c := base
		c.ID = fmt.Sprintf("fo-%02d", i)
		c.Name = fmt.Sprintf("Failover Spa %02d", i)
		c.PhoneNumbers = []string{fmt.Sprintf("+1773556%04d", 3000+i)}
		c.TwilioNumbers = nil
		out[i] = c
	}
	b, err := json.Marshal(map[string]any{"clinics": out})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clinics.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := clinicsync.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return loaded, path
}

// database is the store the processes share: Postgres in a fresh schema when
// TEST_DATABASE_URL is set, otherwise SQLite in a shared directory.
type database struct {
	url     string
	dataDir string
}

func newDatabase(t *testing.T) *database {
	d := &database{dataDir: t.TempDir()}
	if os.Getenv(pgtest.EnvURL) != "" {
		d.url, _ = pgtest.NewSchemaURL(t)
	}
	return d
}
