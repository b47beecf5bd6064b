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
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	dataDir := getenv("DATA_DIR")
	if dataDir == "" {
		dataDir = "./data"
	}
	fs := flag.NewFlagSet("storm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:"+port, "gateway base URL")
	metricsURL := fs.String("metrics-url", "", "engine metrics (default <url>/metrics; \"off\" skips)")
	fs.StringVar(&dataDir, "data-dir", dataDir, "the engine's DATA_DIR, for the development signing key")
	keyFile := fs.String("telnyx-private-key-file", "", "base64 Ed25519 private key signing webhooks (default DATA_DIR/dev-keys/telnyx_ed25519.key)")
	clinicsFile := fs.String("clinics-file", getenv("CLINICS_FILE"), "clinics file (default CLINICS_FILE, else the demo clinics)")
	stubListen := fs.String("stub-listen", "127.0.0.1:18090", "address of the carrier API stub (start the engine with TELNYX_API_BASE_URL, or TWILIO_API_BASE_URL, pointing here)")
	var o Options
	carrier := fs.String("carrier", "telnyx", "what leads text through: telnyx (signed JSON webhooks) or twilio (signed form posts to the clinics' Twilio numbers)")
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
	asJSON := fs.Bool("json", false, "print the report as JSON")
	cf := compareFlags(fs, getenv)
	crashRuns := fs.Int("crash", 0, "crash storms: run the engine as a child process (`medspa serve`, on DATABASE_URL when set), kill it with SIGKILL mid-storm and restart it, this many times, and count lost and duplicated replies")
	crashMessages := fs.Int("crash-messages", 200, "with --crash: texts per run (from 40 leads)")
	crashKillAt := fs.Float64("crash-kill-at", 0.5, "with --crash: share of the replies after which the engine is killed")
	inDoubt := fs.Duration("crash-in-doubt-wait", 15*time.Second, "with --crash: the engine's SEND_IN_DOUBT_WAIT")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *crashRuns > 0 {
		bin, err := os.Executable()
		if err != nil {
			return err
		}
		res, err := Crash(ctx, CrashOptions{Binary: bin, DatabaseURL: getenv("DATABASE_URL"), Runs: *crashRuns,
			Messages: *crashMessages, KillAt: *crashKillAt, InDoubtWait: *inDoubt, Stdout: stdout, Stderr: stderr})
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
	if cf.enabled() {
		return cf.run(ctx, fs, o, *asJSON, stdout, stderr)
	}
	o.URL = strings.TrimRight(*url, "/")
	o.MetricsURL = *metricsURL
	switch o.MetricsURL {
	case "":
		o.MetricsURL = o.URL + "/metrics"
	case "off":
		o.MetricsURL = ""
	}
	var err error
	o.Carrier = messages.Carrier(*carrier)
	switch o.Carrier {
	case messages.CarrierTelnyx:
		if *keyFile == "" {
			*keyFile = filepath.Join(dataDir, "dev-keys", "telnyx_ed25519.key")
		}
		if o.Key, err = ReadKeyFile(*keyFile); err != nil {
			return err
		}
	case messages.CarrierTwilio:
		if o.TwilioAuthToken == "" {
			if o.TwilioAuthToken, err = app.DevTwilioToken(dataDir); err != nil {
				return err
			}
		}
		if o.TwilioAccountSID == "" {
			return errors.New("--carrier twilio needs --twilio-account-sid (the engine's TWILIO_ACCOUNT_SID)")
		}
		if o.PublicBaseURL == "" {
			o.PublicBaseURL = o.URL
		}
	default:
		return fmt.Errorf("--carrier %q: want telnyx or twilio", *carrier)
	}
	if *clinicsFile == "" {
		o.Clinics = clinic.Demo()
	} else if o.Clinics, err = clinicsync.LoadFile(*clinicsFile); err != nil {
		return err
	}
	o.StubListener, err = net.Listen("tcp", *stubListen)
	if err != nil {
		return fmt.Errorf("stub listen: %w", err)
	}
	o.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if o.Carrier == messages.CarrierTwilio {
		fmt.Fprintf(stderr, "storm: posting Twilio webhooks to %s, stub at http://%s (engine needs TWILIO_API_BASE_URL=http://%s TWILIO_ACCOUNT_SID=%s and the same TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL)\n",
			o.URL, o.StubListener.Addr(), o.StubListener.Addr(), o.TwilioAccountSID)
	} else {
		fmt.Fprintf(stderr, "storm: posting to %s, stub at http://%s (engine needs TELNYX_API_BASE_URL=http://%s TELNYX_API_KEY=%s)\n",
			o.URL, o.StubListener.Addr(), o.StubListener.Addr(), o.StubAPIKey)
	}
	rep, err := Run(ctx, o)
	if rep != nil {
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if werr := enc.Encode(rep); werr != nil {
				return werr
			}
		} else if werr := rep.WriteTable(stdout); werr != nil {
			return werr
		}
	}
	if err != nil {
		return err
	}
	if !rep.Passed {
		return fmt.Errorf("verification failed: %s", strings.Join(rep.Failures, ", "))
	}
	return nil
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
