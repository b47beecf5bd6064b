package storm

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// compareCLI holds the flags of --compare and --prefill.
type compareCLI struct {
	compare     bool
	prefill     string
	databaseURL string
	systems     string
	cpuProfile  string
	goProfile   string
	profileDir  string
	pooled      bool
	openRate    float64
	runs        int
}

func compareFlags(fs *flag.FlagSet, getenv func(string) string) *compareCLI {
	c := &compareCLI{}
	fs.BoolVar(&c.compare, "compare", false, "start the engine, the bare path and the conventional design in this process, one after another on fresh data, storm each and print the ratios")
	fs.StringVar(&c.prefill, "prefill", "", "memory test instead: comma-separated conversation counts (e.g. 1000,1000000) to fill a fresh engine store with before the same storm")
	fs.StringVar(&c.databaseURL, "database-url", getenv("DATABASE_URL"), "with --compare/--prefill: Postgres (each system in a fresh schema); empty is the embedded store")
	fs.StringVar(&c.systems, "systems", "engine,bare,conventional", "with --compare: the systems to measure, in order")
	fs.StringVar(&c.cpuProfile, "cpu-profile", "", "with --compare: write a CPU profile of the engine's closed-loop phase here")
	fs.StringVar(&c.goProfile, "goroutine-profile", "", "with --compare: write every goroutine's stack (text) half way through the engine's closed-loop phase")
	fs.StringVar(&c.profileDir, "profile", "", "with --compare: write CPU, block and mutex profiles, an execution trace and the goroutines of every system's closed-loop phase into this directory")
	fs.BoolVar(&c.pooled, "pooled-carrier", false, "with --compare/--prefill: give every system's sender a carrier client that keeps its connections (see docs/PERFORMANCE.md)")
	fs.Float64Var(&c.openRate, "open-rate", 0, "with --compare: open-loop rate (0: half of the engine's measured peak)")
	fs.IntVar(&c.runs, "runs", 1, "with --compare: repeat the whole comparison this many times and judge the targets on the medians")
	return c
}

func (c *compareCLI) enabled() bool { return c.compare || c.prefill != "" }

// run runs the comparison with the storm flags that apply: --clinics,
// --leads, --concurrency, --duration, --dup, --bad-sig, --seed.
func (c *compareCLI) run(ctx context.Context, fs *flag.FlagSet, o Options, asJSON bool, stdout, stderr io.Writer) error {
	co := CompareOptions{DatabaseURL: c.databaseURL, Clinics: o.ClinicCount, Concurrency: o.Concurrency, Duration: o.Duration,
		OpenRate: c.openRate, DupShare: o.DupShare, BadSigShare: o.BadSigShare, CPUProfile: c.cpuProfile, GoroutineProfile: c.goProfile, ProfileDir: c.profileDir, PooledCarrier: c.pooled, Seed: o.Seed,
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError})), Progress: stderr}
	leadsSet := false
	fs.Visit(func(f *flag.Flag) { leadsSet = leadsSet || f.Name == "leads" })
	if leadsSet {
		co.Leads = o.LeadsPerClinic
	}
	for _, s := range strings.Split(c.systems, ",") {
		if s = strings.TrimSpace(s); s != "" {
			co.Systems = append(co.Systems, s)
		}
	}
	if c.prefill != "" {
		for _, f := range strings.Split(c.prefill, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 0 {
				return fmt.Errorf("--prefill: %q is not a count", f)
			}
			co.Prefill = append(co.Prefill, n)
		}
	}
	if c.runs > 1 && c.prefill == "" {
		return c.runSeries(ctx, co, asJSON, stdout)
	}
	cmp, err := Compare(ctx, co)
	if cmp == nil {
		return err
	}
	return finish(stdout, cmp, asJSON, err)
}

func (c *compareCLI) runSeries(ctx context.Context, co CompareOptions, asJSON bool, stdout io.Writer) error {
	s, err := CompareSeries(ctx, co, c.runs)
	return finish(stdout, s, asJSON, err)
}
