package storm

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/internal/clinicsync"
	"github.com/medspa/engine/messages"
)

// Main is the storm command: flags in args, settings from getenv (DATA_DIR,
// CLINICS_FILE, PORT). It returns an error when the run could not be made
// or its verification failed.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := defineFlags(getenv, stderr)
	if err := c.fs.Parse(args); err != nil {
		return err
	}
	if c.fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(c.fs.Args(), " "))
	}
	switch {
	case c.crash.runs > 0:
		return c.crash.run(ctx, getenv("DATABASE_URL"), stdout, stderr)
	case c.compare.enabled():
		return c.compare.run(ctx, c.fs, c.o, c.asJSON, stdout, stderr)
	}
	o, err := c.options(stderr)
	if err != nil {
		return err
	}
	announce(o, stderr)
	rep, err := Run(ctx, o)
	if rep == nil {
		return err
	}
	return finish(stdout, rep, c.asJSON, err)
}

// stormCLI holds the storm command's flags.
type stormCLI struct {
	fs      *flag.FlagSet
	o       Options // the options set by flags alone
	asJSON  bool
	compare *compareCLI
	crash   crashCLI

	// The flags the rest of the options come from (stormCLI.options).
	url, metricsURL, dataDir string
	keyFile, clinicsFile     string
	stubListen, carrier      string
}

// defineFlags defines the storm command's flags, with their defaults from
// getenv.
func defineFlags(getenv func(string) string, stderr io.Writer) *stormCLI {
	c := &stormCLI{fs: flag.NewFlagSet("storm", flag.ContinueOnError), dataDir: getenv("DATA_DIR")}
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if c.dataDir == "" {
		c.dataDir = "./data"
	}
	fs := c.fs
	fs.SetOutput(stderr)
	fs.StringVar(&c.url, "url", "http://127.0.0.1:"+port, "gateway base URL")
	fs.StringVar(&c.metricsURL, "metrics-url", "", "engine metrics (default <url>/metrics; \"off\" skips)")
	fs.StringVar(&c.dataDir, "data-dir", c.dataDir, "the engine's DATA_DIR, for the development signing key")
	fs.StringVar(&c.keyFile, "telnyx-private-key-file", "", "base64 Ed25519 private key signing webhooks (default DATA_DIR/dev-keys/telnyx_ed25519.key)")
	fs.StringVar(&c.clinicsFile, "clinics-file", getenv("CLINICS_FILE"), "clinics file (default CLINICS_FILE, else the demo clinics)")
	fs.StringVar(&c.stubListen, "stub-listen", "127.0.0.1:18090", "address of the carrier API stub (start the engine with TELNYX_API_BASE_URL, or TWILIO_API_BASE_URL, pointing here)")
	fs.StringVar(&c.carrier, "carrier", "telnyx", "what leads text through: telnyx (signed JSON webhooks) or twilio (signed form posts to the clinics' Twilio numbers)")
	fs.BoolVar(&c.asJSON, "json", false, "print the report as JSON")
	optionFlags(fs, &c.o, getenv)
	c.compare = compareFlags(fs, getenv)
	c.crash.define(fs)
	return c
}

// optionFlags defines the flags that set Options directly.
func optionFlags(fs *flag.FlagSet, o *Options, getenv func(string) string) {
	fs.StringVar(&o.TwilioAuthToken, "twilio-auth-token", getenv("TWILIO_AUTH_TOKEN"), "with --carrier twilio: the engine's TWILIO_AUTH_TOKEN (default: the development token in DATA_DIR)")
	fs.StringVar(&o.TwilioAccountSID, "twilio-account-sid", getenv("TWILIO_ACCOUNT_SID"), "with --carrier twilio: the engine's TWILIO_ACCOUNT_SID (the stub's account)")
	fs.StringVar(&o.PublicBaseURL, "public-base-url", getenv("PUBLIC_BASE_URL"), "with --carrier twilio: the engine's PUBLIC_BASE_URL, which Twilio signs (default: --url)")
	fs.StringVar(&o.StubAPIKey, "stub-api-key", "storm-key", "API key the stub accepts (the engine's TELNYX_API_KEY)")
	fs.IntVar(&o.ClinicCount, "clinics", 0, "clinics to simulate (0: every clinic with a number of the carrier)")
	fs.IntVar(&o.LeadsPerClinic, "leads", 20, "leads per clinic")
	fs.Float64Var(&o.Rate, "rate", 0, "open loop: messages per second, Poisson arrivals (0: closed loop)")
	fs.IntVar(&o.Concurrency, "concurrency", 16, "closed loop: messages in flight")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "how long to offer load (0: until --messages)")
	fs.IntVar(&o.Messages, "messages", 0, "stop after this many messages (0: until --duration)")
	fs.Float64Var(&o.DupShare, "dup", 0.05, "share of accepted webhooks delivered twice")
	fs.Float64Var(&o.BadSigShare, "bad-sig", 0.02, "share of messages preceded by a forged webhook")
	fs.DurationVar(&o.ReplyTimeout, "reply-timeout", 10*time.Second, "a lead gives up waiting for a reply after this")
	fs.DurationVar(&o.Drain, "drain", 10*time.Second, "after the load, how long outstanding replies may take")
	fs.DurationVar(&o.Settle, "settle", time.Second, "quiet time after the drain to catch late duplicates")
	fs.IntVar(&o.Retries, "retries", 2, "re-posts of a message after a transport error or 5xx, 200 ms more apart each time (raise it to ride out a restart of the server)")
	fs.Uint64Var(&o.Seed, "seed", 0, "random seed (0: random)")
}

// options completes the flags' Options for a run: addresses, the
// carrier's credentials, the clinics, the stub's listener and the logger.
func (c *stormCLI) options(stderr io.Writer) (Options, error) {
	o := c.o
	o.URL = strings.TrimRight(c.url, "/")
	switch c.metricsURL {
	case "":
		o.MetricsURL = o.URL + "/metrics"
	case "off":
		o.MetricsURL = ""
	default:
		o.MetricsURL = c.metricsURL
	}
	o.Carrier = messages.Carrier(c.carrier)
	if err := c.credentials(&o); err != nil {
		return o, err
	}
	var err error
	if c.clinicsFile == "" {
		o.Clinics = clinic.Demo()
	} else if o.Clinics, err = clinicsync.LoadFile(c.clinicsFile); err != nil {
		return o, err
	}
	if o.StubListener, err = net.Listen("tcp", c.stubListen); err != nil {
		return o, fmt.Errorf("stub listen: %w", err)
	}
	o.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return o, nil
}

// credentials sets what signs the carrier's webhooks: the Telnyx signing
// key, or the Twilio token and account.
func (c *stormCLI) credentials(o *Options) error {
	var err error
	switch o.Carrier {
	case messages.CarrierTelnyx:
		keyFile := c.keyFile
		if keyFile == "" {
			keyFile = filepath.Join(c.dataDir, "dev-keys", "telnyx_ed25519.key")
		}
		o.Key, err = ReadKeyFile(keyFile)
		return err
	case messages.CarrierTwilio:
		if o.TwilioAuthToken == "" {
			if o.TwilioAuthToken, err = app.DevTwilioToken(c.dataDir); err != nil {
				return err
			}
		}
		if o.TwilioAccountSID == "" {
			return errors.New("--carrier twilio needs --twilio-account-sid (the engine's TWILIO_ACCOUNT_SID)")
		}
		if o.PublicBaseURL == "" {
			o.PublicBaseURL = o.URL
		}
		return nil
	}
	return fmt.Errorf("--carrier %q: want telnyx or twilio", c.carrier)
}

// announce tells where the storm posts and how the engine must be started.
func announce(o Options, stderr io.Writer) {
	if o.Carrier == messages.CarrierTwilio {
		fmt.Fprintf(stderr, "storm: posting Twilio webhooks to %s, stub at http://%s (engine needs TWILIO_API_BASE_URL=http://%s TWILIO_ACCOUNT_SID=%s and the same TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL)\n",
			o.URL, o.StubListener.Addr(), o.StubListener.Addr(), o.TwilioAccountSID)
	} else {
		fmt.Fprintf(stderr, "storm: posting to %s, stub at http://%s (engine needs TELNYX_API_BASE_URL=http://%s TELNYX_API_KEY=%s)\n",
			o.URL, o.StubListener.Addr(), o.StubListener.Addr(), o.StubAPIKey)
	}
}

// crashCLI holds the flags of --crash.
type crashCLI struct {
	runs, messages int
	killAt         float64
	inDoubt        time.Duration
}

func (c *crashCLI) define(fs *flag.FlagSet) {
	fs.IntVar(&c.runs, "crash", 0, "crash storms: run the engine as a child process (`medspa serve`, on DATABASE_URL when set), kill it with SIGKILL mid-storm and restart it, this many times, and count lost and duplicated replies")
	fs.IntVar(&c.messages, "crash-messages", 200, "with --crash: texts per run (from 40 leads)")
	fs.Float64Var(&c.killAt, "crash-kill-at", 0.5, "with --crash: share of the replies after which the engine is killed")
	fs.DurationVar(&c.inDoubt, "crash-in-doubt-wait", 15*time.Second, "with --crash: the engine's SEND_IN_DOUBT_WAIT")
}

// run plays the crash storms with this binary as the engine and fails
// on any lost or duplicated reply, or a run without a kill.
func (c *crashCLI) run(ctx context.Context, databaseURL string, stdout, stderr io.Writer) error {
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	res, err := Crash(ctx, CrashOptions{Binary: bin, DatabaseURL: databaseURL, Runs: c.runs,
		Messages: c.messages, KillAt: c.killAt, InDoubtWait: c.inDoubt, Stdout: stdout, Stderr: stderr})
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Lost > 0 || r.Duplicate > 0 || r.Kills == 0 {
			return fmt.Errorf("crash run %d: %d lost, %d duplicated, %d kills", r.Run, r.Lost, r.Duplicate, r.Kills)
		}
	}
	return nil
}

// outcome is what a storm command prints: a report, a comparison or a
// series of comparisons.
type outcome interface {
	WriteTable(io.Writer) error
	// verdict is why the verification failed; nil when it passed.
	verdict() error
}

// finish prints the outcome as JSON or as a table and returns the run's
// error, else the verification's.
func finish(w io.Writer, v outcome, asJSON bool, err error) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if werr := enc.Encode(v); werr != nil {
			return werr
		}
	} else if werr := v.WriteTable(w); werr != nil {
		return werr
	}
	if err != nil {
		return err
	}
	return v.verdict()
}

// ReadKeyFile reads a base64 Ed25519 private key (64 bytes, or a 32-byte
// seed).
func ReadKeyFile(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read signing key (start the engine once, or pass --telnyx-private-key-file): %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	switch {
	case err != nil:
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	case len(raw) == ed25519.PrivateKeySize:
		return ed25519.PrivateKey(raw), nil
	case len(raw) == ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	}
	return nil, errors.New("signing key " + path + ": not a 64-byte Ed25519 private key or 32-byte seed")
}
