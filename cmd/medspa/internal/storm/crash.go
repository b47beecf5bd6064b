package storm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/medspa/engine/internal/clinic"
)

// CrashOptions configure crash storms: the engine runs as a child process
// (`medspa serve` on fresh data), a storm of signed texts is played
// against it, the process is killed with SIGKILL once a share of the
// replies has gone out and started again on the same data, and the
// carrier's retries (the storm re-posts what failed, with the same event
// id; the stub re-posts receipts) ride out the restart. The verdict counts
// lost and duplicated replies.
type CrashOptions struct {
	Binary string // the medspa binary; it is run as `Binary serve`
	// DatabaseURL, when set, runs the engine on Postgres, each run in a
	// schema of its own; otherwise on the embedded store.
	DatabaseURL string
	Runs        int
	Messages    int     // texts per run (default 200)
	Leads       int     // leads per run (default 40, over two clinics)
	KillAt      float64 // share of the expected replies after which the engine is killed (default 0.5)
	// InDoubtWait is the engine's SEND_IN_DOUBT_WAIT (default 15s): how
	// long a text whose carrier call the kill left unanswered waits for
	// its receipt before it is sent once more.
	InDoubtWait time.Duration
	Stdout      io.Writer // one line per run and a summary
	Stderr      io.Writer // the engine's output of a failed run
}

// CrashResult is one crash storm's outcome.
type CrashResult struct {
	Run       int
	Accepted  int // texts the gateway took (after retries)
	Replies   int // texts the carrier stub received
	Lost      int
	Duplicate int
	Kills     int
	Failures  []string
}

// Crash plays opt.Runs crash storms one after the other.
func Crash(ctx context.Context, opt CrashOptions) ([]CrashResult, error) {
	if opt.Binary == "" {
		return nil, errors.New("crash: no engine binary")
	}
	positiveOr(&opt.Runs, 1)
	positiveOr(&opt.Messages, 200)
	positiveOr(&opt.Leads, 40)
	if opt.KillAt <= 0 || opt.KillAt >= 1 {
		opt.KillAt = 0.5
	}
	positiveOr(&opt.InDoubtWait, 15*time.Second)
	if opt.Stdout == nil {
		opt.Stdout = io.Discard
	}
	if opt.Stderr == nil {
		opt.Stderr = io.Discard
	}
	var out []CrashResult
	for i := 1; i <= opt.Runs; i++ {
		res, err := crashRun(ctx, opt, i)
		if err != nil {
			return out, fmt.Errorf("crash run %d: %w", i, err)
		}
		out = append(out, res)
		fmt.Fprintf(opt.Stdout, "run %2d: accepted %d, replies %d, lost %d, duplicated %d, kills %d%s\n",
			res.Run, res.Accepted, res.Replies, res.Lost, res.Duplicate, res.Kills, failures(res.Failures))
	}
	var lost, dup int
	for _, r := range out {
		lost, dup = lost+r.Lost, dup+r.Duplicate
	}
	store := "embedded"
	if opt.DatabaseURL != "" {
		store = "postgres"
	}
	fmt.Fprintf(opt.Stdout, "%s store, %d runs of %d texts from %d leads, SIGKILL after %.0f%% of the replies: %d lost, %d duplicated\n",
		store, len(out), opt.Messages, opt.Leads, 100*opt.KillAt, lost, dup)
	return out, nil
}

func failures(f []string) string {
	if len(f) == 0 {
		return ""
	}
	return " (" + strings.Join(f, ", ") + ")"
}

// crashRun is one crash storm on fresh data.
func crashRun(ctx context.Context, opt CrashOptions, n int) (CrashResult, error) {
	sb, err := newSandbox("", opt.DatabaseURL, fmt.Sprintf("crash%d", n))
	if err != nil {
		return CrashResult{}, err
	}
	defer func() { _ = sb.remove() }()
	if opt.DatabaseURL != "" {
		if err := sb.createSchema(ctx); err != nil {
			return CrashResult{}, err
		}
	}
	eng, stubLn, err := startCrashEngine(ctx, sb, opt.Binary, opt.InDoubtWait)
	if err != nil {
		return CrashResult{}, err
	}
	defer eng.stop()
	key, err := ReadKeyFile(filepath.Join(sb.dir, "dev-keys", "telnyx_ed25519.key"))
	if err != nil {
		return CrashResult{}, err
	}
	k := &killer{after: int(float64(opt.Messages) * opt.KillAt), eng: eng, done: make(chan struct{})}
	o := Options{
		URL: eng.url, Key: key, Clinics: clinic.Demo(), ClinicCount: 2, LeadsPerClinic: (opt.Leads + 1) / 2,
		StubListener: stubLn, StubAPIKey: "storm-key", Concurrency: 16, Messages: opt.Messages,
		Retries: 60, ReplyTimeout: 3 * time.Minute, Drain: 3 * time.Minute,
		// Late duplicates come when a text in doubt is sent once more:
		// wait past that before counting.
		Settle:   opt.InDoubtWait + 10*time.Second,
		Receipts: true, Seed: uint64(n),
		OnReply: func(Reply) { k.onReply(ctx) },
	}
	rep, err := Run(ctx, o)
	k.wait()
	if err != nil {
		return CrashResult{}, err
	}
	if k.err != nil {
		return CrashResult{}, k.err
	}
	res := CrashResult{Run: n, Accepted: rep.Verification.Accepted, Replies: rep.Verification.Replies,
		Lost: rep.Verification.Lost, Duplicate: rep.Verification.Duplicate, Kills: int(k.kills.Load()), Failures: rep.Failures}
	if len(rep.Failures) > 0 {
		if b, err := os.ReadFile(eng.logPath); err == nil {
			fmt.Fprintf(opt.Stderr, "--- engine output of run %d\n%s\n", n, b)
		}
	}
	return res, nil
}

// startCrashEngine starts the engine as a child process on the sandbox's
// data, with free ports and the carrier API stub's listener, and waits
// until it is ready.
func startCrashEngine(ctx context.Context, sb *sandbox, bin string, inDoubtWait time.Duration) (*child, net.Listener, error) {
	dbURL, err := sb.databaseURL()
	if err != nil {
		return nil, nil, err
	}
	httpPort, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	natsPort, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	stubLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(httpPort)
	env := childEnv(map[string]string{
		"DATA_DIR": sb.dir, "PORT": strconv.Itoa(httpPort), "NATS_LISTEN": "127.0.0.1:" + strconv.Itoa(natsPort),
		"TELNYX_API_BASE_URL": "http://" + stubLn.Addr().String(), "TELNYX_API_KEY": "storm-key",
		"PUBLIC_BASE_URL": base, "DATABASE_URL": dbURL, "SEND_IN_DOUBT_WAIT": inDoubtWait.String(),
		"SEND_RATE_PER_NUMBER": "200", "SEND_BURST": "200", "LOG_LEVEL": "warn",
	})
	eng := &child{bin: bin, env: env, logPath: filepath.Join(sb.dir, "engine.log"), url: base}
	if err := eng.start(ctx); err != nil {
		return nil, nil, err
	}
	return eng, stubLn, nil
}

// killer restarts the engine with SIGKILL once, after a number of replies.
type killer struct {
	after   int // replies before the kill; 0: none
	eng     *child
	replies atomic.Int64
	kills   atomic.Int32
	once    sync.Once
	done    chan struct{} // closed when the engine is up again
	err     error         // of the restart; read after done
}

func (k *killer) onReply(ctx context.Context) {
	if k.replies.Add(1) != int64(k.after) {
		return
	}
	k.once.Do(func() {
		go func() {
			defer close(k.done)
			k.kills.Add(1)
			k.err = k.eng.restart(ctx)
		}()
	})
}

// wait waits for the restart, when the kill came.
func (k *killer) wait() {
	if k.after > 0 && k.replies.Load() >= int64(k.after) {
		<-k.done
	}
}

// childEnv is this process's environment without the engine's settings,
// plus set (empty values are left out).
func childEnv(set map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ours := set[k]; ours || strings.HasPrefix(k, "NATS_") || strings.HasPrefix(k, "TWILIO_") || strings.HasPrefix(k, "STRIPE_") ||
			strings.HasPrefix(k, "LLM_") || k == "CLINICS_FILE" || k == "HTTP_LISTEN" {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range set {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// child is the engine as a process of its own.
type child struct {
	bin, logPath, url string
	env               []string
	mu                sync.Mutex
	cmd               *exec.Cmd
	log               *os.File
}

// start starts the engine and waits until it is ready.
func (c *child) start(ctx context.Context) error {
	f, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(c.bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = c.env, f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("start engine: %w", err)
	}
	c.mu.Lock()
	c.cmd, c.log = cmd, f
	c.mu.Unlock()
	return waitReady(ctx, c.url, cmd)
}

// restart kills the engine with SIGKILL and starts it again on the same data.
func (c *child) restart(ctx context.Context) error {
	c.kill()
	return c.start(ctx)
}

func (c *child) kill() {
	c.mu.Lock()
	cmd, f := c.cmd, c.log
	c.cmd, c.log = nil, nil
	c.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill() // SIGKILL: no shutdown, nothing flushed
	_ = cmd.Wait()
	f.Close()
}

// stop ends the engine gracefully (SIGTERM), or kills it after 30 s.
func (c *child) stop() {
	c.mu.Lock()
	cmd := c.cmd
	c.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
		c.mu.Lock()
		if c.log != nil {
			c.log.Close()
		}
		c.cmd, c.log = nil, nil
		c.mu.Unlock()
	case <-time.After(30 * time.Second):
		c.kill()
	}
}

// waitReady polls /readyz until it answers 200, the process exits or a
// minute passes.
func waitReady(ctx context.Context, url string, cmd *exec.Cmd) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if cmd.ProcessState != nil {
			return errors.New("engine exited while starting")
		}
		resp, err := client.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("engine not ready after a minute")
}

// freePort asks the kernel for a free TCP port on loopback.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
