package storm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/medspa/engine/cmd/medspa/internal/baseline"
	"github.com/medspa/engine/internal/clinic"
)

// CompareOptions configure a comparison of the engine with the bare path
// and the conventional design, each started in this process on fresh data.
type CompareOptions struct {
	// DatabaseURL selects Postgres mode (each system in a fresh schema);
	// empty is embedded mode (each system in a fresh directory).
	DatabaseURL string
	Systems     []string      // default engine, bare, conventional; the engine first
	Clinics     int           // clinics, each with its own number (default 50)
	Leads       int           // leads per clinic (default 8)
	Concurrency int           // closed loop: messages in flight (default 64)
	Duration    time.Duration // each load phase (default 15s)
	// OpenRate is the open-loop rate; 0 is half of the engine's measured
	// peak (the first system's, when the engine is not compared).
	OpenRate    float64
	DupShare    float64
	BadSigShare float64
	// Prefill, when set, replaces the comparison by the memory test: for
	// each count, a fresh engine store is filled with that many idle
	// conversations before the same closed-loop storm.
	Prefill []int
	// CPUProfile, when set, receives a CPU profile of the engine's
	// closed-loop phase (the whole process: engine, storm and stub).
	CPUProfile string
	// PooledCarrier gives every system's sender PooledCarrierClient
	// instead of the engine's configured carrier client.
	PooledCarrier bool
	// GoroutineProfile, when set, receives every goroutine's stack half way
	// through the engine's closed-loop phase: where messages wait.
	GoroutineProfile string
	// ProfileDir, when set, receives the CPU, block and mutex profiles, an
	// execution trace and the goroutines of every system's closed-loop
	// phase (profile.go).
	ProfileDir string
	Seed       uint64
	TempDir    string
	Logger     *slog.Logger // the systems' logs
	Progress   io.Writer    // a line per phase
}

func (o *CompareOptions) defaults() {
	if len(o.Systems) == 0 {
		o.Systems = []string{SystemEngine, SystemBare, SystemConventional}
	}
	positiveOr(&o.Clinics, 50)
	positiveOr(&o.Leads, 8)
	positiveOr(&o.Concurrency, 64)
	positiveOr(&o.Duration, 15*time.Second)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
}

// positiveOr sets *v to def unless it is above zero.
func positiveOr[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Phase is one storm against one system.
type Phase struct {
	System string  `json:"system"`
	Report *Report `json:"report"`
}

// SystemResult is what one system did: its peak (closed loop) and its
// latency at the common open-loop rate.
type SystemResult struct {
	System string  `json:"system"`
	Peak   *Report `json:"peak"`
	Open   *Report `json:"open,omitempty"`
	// CPU the whole process (system, load generator and stub) used in
	// each phase: cores busy on average, and CPU time per accepted
	// message. The latter depends little on what else the machine runs.
	PeakCPU CPUUse `json:"peak_cpu"`
	OpenCPU CPUUse `json:"open_cpu"`
}

// CPUUse is the process's CPU over one phase.
type CPUUse struct {
	Cores        float64 `json:"cores"`
	MicrosPerMsg float64 `json:"cpu_us_per_msg"`
	// Stolen is the share of the machine's CPU time the hypervisor gave
	// to other guests during the phase (-1: unknown; steal.go).
	Stolen float64 `json:"stolen_share"`
}

func cpuUse(cpu, wall time.Duration, msgPerSec float64) CPUUse {
	u := CPUUse{}
	if wall > 0 {
		u.Cores = cpu.Seconds() / wall.Seconds()
	}
	if msgPerSec > 0 {
		u.MicrosPerMsg = u.Cores / msgPerSec * 1e6
	}
	return u
}

// MemoryResult is the engine's memory during the same storm with Count
// idle conversations in the store.
type MemoryResult struct {
	Count       int     `json:"conversations"`
	FillSeconds float64 `json:"fill_seconds"`
	Report      *Report `json:"report"`
	// Stolen is the share of the machine's CPU stolen during the storm
	// (-1: unknown; steal.go).
	Stolen float64 `json:"stolen_share"`
}

// Comparison is the outcome of a comparison run.
type Comparison struct {
	Store    string         `json:"store"` // embedded or postgres
	CPUs     int            `json:"cpus"`
	OpenRate float64        `json:"open_rate,omitempty"`
	Results  []SystemResult `json:"results,omitempty"`
	// Ratios of peak throughput: engine/bare and engine/conventional.
	EngineOverBare         float64        `json:"engine_over_bare,omitempty"`
	EngineOverConventional float64        `json:"engine_over_conventional,omitempty"`
	Memory                 []MemoryResult `json:"memory,omitempty"`
	// MemoryGrowth is the largest prefill's peak RSS over the smallest's.
	MemoryGrowth float64  `json:"memory_growth,omitempty"`
	Passed       bool     `json:"passed"`
	Failures     []string `json:"failures,omitempty"`
}

// Compare runs the comparison (or, with Prefill, the memory test).
func Compare(ctx context.Context, o CompareOptions) (*Comparison, error) {
	o.defaults()
	cmp := &Comparison{Store: "embedded", CPUs: runtime.GOMAXPROCS(0), Passed: true}
	if o.DatabaseURL != "" {
		cmp.Store = "postgres"
	}
	clinics := CompareClinics(o.Clinics)
	if len(o.Prefill) > 0 {
		return cmp, compareMemory(ctx, o, clinics, cmp)
	}
	openRate := o.OpenRate
	for _, name := range o.Systems {
		res, err := measure(ctx, o, clinics, name, &openRate)
		if res.Peak != nil {
			cmp.Results = append(cmp.Results, res)
			cmp.noteFailures(name, res.Peak, res.Open)
		}
		if err != nil {
			return cmp, err
		}
	}
	cmp.OpenRate = openRate
	peak := map[string]float64{}
	for _, r := range cmp.Results {
		peak[r.System] = r.Peak.MessagesPerSec
	}
	if e, b := peak[SystemEngine], peak[SystemBare]; e > 0 && b > 0 {
		cmp.EngineOverBare = e / b
	}
	if e, c := peak[SystemEngine], peak[SystemConventional]; e > 0 && c > 0 {
		cmp.EngineOverConventional = e / c
	}
	return cmp, nil
}

func (c *Comparison) noteFailures(name string, reps ...*Report) {
	for _, r := range reps {
		if r != nil && !r.Passed {
			c.Passed = false
			c.Failures = append(c.Failures, fmt.Sprintf("%s (%s loop): %v", name, r.Mode, r.Failures))
		}
	}
}

// measure starts one system on fresh data and runs the closed-loop storm,
// then the open-loop one at *openRate (set from this system's peak when
// still 0).
func measure(ctx context.Context, o CompareOptions, clinics []clinic.Clinic, name string, openRate *float64) (SystemResult, error) {
	res := SystemResult{System: name}
	sb, err := newSandbox(o.TempDir, o.DatabaseURL, name)
	if err != nil {
		return res, err
	}
	defer func() { _ = sb.remove() }()
	stubLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, fmt.Errorf("stub listen: %w", err)
	}
	stubAddr := stubLn.Addr().String()
	sys, err := startSystem(ctx, name, sb, clinics, "http://"+stubAddr, "storm-key", o.carrierClient(), o.Logger)
	if err != nil {
		stubLn.Close()
		return res, err
	}
	defer func() { _ = sys.stop() }()

	fmt.Fprintf(o.Progress, "compare: %s, closed loop, %d in flight, %s\n", name, o.Concurrency, o.Duration)
	stopProfile := func() {}
	if name == SystemEngine && o.CPUProfile != "" {
		if stopProfile, err = startCPUProfile(o.CPUProfile); err != nil {
			stubLn.Close()
			return res, err
		}
	}
	if name == SystemEngine && o.GoroutineProfile != "" {
		t := time.AfterFunc(o.Duration/2, func() { _ = writeGoroutines(o.GoroutineProfile) })
		defer t.Stop()
	}
	var profiles *profileSet
	if o.ProfileDir != "" {
		if profiles, err = startProfiles(o.ProfileDir, name, o.Duration); err != nil {
			stopProfile()
			stubLn.Close()
			return res, err
		}
	}
	res.Peak, res.PeakCPU, err = timedRun(ctx, o.stormOptions(sys, clinics, stubLn, 0))
	stopProfile()
	if profiles != nil {
		if perr := profiles.stop(); perr != nil && err == nil {
			err = perr
		}
	}
	if err != nil {
		return res, fmt.Errorf("%s closed loop: %w", name, err)
	}
	if *openRate == 0 {
		*openRate = res.Peak.MessagesPerSec / 2
	}
	if *openRate <= 0 {
		return res, fmt.Errorf("%s: no throughput to derive an open-loop rate from", name)
	}
	if stubLn, err = net.Listen("tcp", stubAddr); err != nil {
		return res, fmt.Errorf("stub listen again: %w", err)
	}
	fmt.Fprintf(o.Progress, "compare: %s, open loop, %.0f msg/s, %s\n", name, *openRate, o.Duration)
	res.Open, res.OpenCPU, err = timedRun(ctx, o.stormOptions(sys, clinics, stubLn, *openRate))
	if err != nil {
		return res, fmt.Errorf("%s open loop: %w", name, err)
	}
	return res, nil
}

// timedRun runs a storm and measures the CPU the process used meanwhile.
func timedRun(ctx context.Context, o Options) (*Report, CPUUse, error) {
	cpu0, wall0, m0 := cpuTime(), time.Now(), readMachineTicks()
	rep, err := Run(ctx, o)
	cpu1, wall1, m1 := cpuTime(), time.Now(), readMachineTicks()
	var use CPUUse
	if rep != nil {
		use = cpuUse(cpu1-cpu0, wall1.Sub(wall0), rep.MessagesPerSec*rep.LoadSeconds/wall1.Sub(wall0).Seconds())
		use.Stolen = stolenShare(m0, m1)
	}
	return rep, use, err
}

func (o CompareOptions) stormOptions(sys *running, clinics []clinic.Clinic, stub net.Listener, rate float64) Options {
	return Options{URL: sys.url, MetricsURL: sys.url + "/metrics", Clinics: clinics, Key: sys.key,
		StubListener: stub, StubAPIKey: "storm-key", LeadsPerClinic: o.Leads, Rate: rate, Concurrency: o.Concurrency,
		Duration: o.Duration, DupShare: o.DupShare, BadSigShare: o.BadSigShare, Drain: 15 * time.Second,
		Settle: 500 * time.Millisecond, Scripts: ComparableScripts(), Seed: o.phaseSeed(rate)}
}

// phaseSeed keeps the two phases against one system apart: the same seed
// would give the same run id and lead numbers, and the second phase's
// webhooks would be taken for duplicates of the first's.
func (o CompareOptions) phaseSeed(rate float64) uint64 {
	if o.Seed == 0 || rate == 0 {
		return o.Seed
	}
	return o.Seed*0x9e3779b97f4a7c15 + 1
}

// ComparableScripts are the default conversations without content checks:
// the bare path answers every text with the same words, so only counts,
// order of arrival and senders are verified in a comparison.
func ComparableScripts() []Script {
	scripts := DefaultScripts()
	for _, sc := range scripts {
		for i := range sc {
			sc[i].Expect = nil
		}
	}
	return scripts
}

// compareMemory fills a fresh engine store with each count of idle
// conversations, starts the engine on it and runs the same closed-loop
// storm, recording its memory.
func compareMemory(ctx context.Context, o CompareOptions, clinics []clinic.Clinic, cmp *Comparison) error {
	for _, n := range o.Prefill {
		m, err := memoryRun(ctx, o, clinics, n)
		if m.Report != nil {
			cmp.Memory = append(cmp.Memory, m)
			cmp.noteFailures(fmt.Sprintf("engine with %d conversations", n), m.Report)
		}
		if err != nil {
			return err
		}
	}
	if k := len(cmp.Memory); k >= 2 {
		lo, hi := cmp.Memory[0].Report.Engine.RSSPeak, cmp.Memory[k-1].Report.Engine.RSSPeak
		if lo > 0 {
			cmp.MemoryGrowth = hi / lo
		}
	}
	return nil
}

func memoryRun(ctx context.Context, o CompareOptions, clinics []clinic.Clinic, n int) (MemoryResult, error) {
	m := MemoryResult{Count: n}
	sb, err := newSandbox(o.TempDir, o.DatabaseURL, "memory")
	if err != nil {
		return m, err
	}
	defer func() { _ = sb.remove() }()
	store, err := sb.openStore(ctx)
	if err != nil {
		return m, err
	}
	fmt.Fprintf(o.Progress, "memory: filling the store with %d conversations\n", n)
	took, err := baseline.Prefill(ctx, store, clinics, n, 5000, time.Now())
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return m, err
	}
	m.FillSeconds = took.Seconds()
	settled := time.Now()
	if err := sb.settle(ctx); err != nil {
		return m, err
	}
	fmt.Fprintf(o.Progress, "memory: filled in %.1fs, settled in %.1fs; storm against the engine\n", m.FillSeconds, time.Since(settled).Seconds())
	runtime.GC()
	debug.FreeOSMemory()
	stubLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return m, fmt.Errorf("stub listen: %w", err)
	}
	sys, err := startSystem(ctx, SystemEngine, sb, clinics, "http://"+stubLn.Addr().String(), "storm-key", o.carrierClient(), o.Logger)
	if err != nil {
		stubLn.Close()
		return m, err
	}
	defer func() { _ = sys.stop() }()
	t0 := readMachineTicks()
	m.Report, err = Run(ctx, o.stormOptions(sys, clinics, stubLn, 0))
	m.Stolen = stolenShare(t0, readMachineTicks())
	if err != nil {
		return m, fmt.Errorf("memory storm: %w", err)
	}
	return m, nil
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, errors.Join(fmt.Errorf("cpu profile: %w", err), os.Remove(path))
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

func writeGoroutines(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("goroutine profile: %w", err)
	}
	defer f.Close()
	return pprof.Lookup("goroutine").WriteTo(f, 1)
}

func (o CompareOptions) carrierClient() *http.Client {
	if o.PooledCarrier {
		return PooledCarrierClient()
	}
	return nil
}
