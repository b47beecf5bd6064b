package storm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

// profileSet records the profiles of one system's closed-loop phase into a
// directory (--profile DIR): a CPU profile of the whole phase, the block
// and mutex profiles accumulated during it, an execution trace of a
// window in its middle, and every goroutine's stack half way through. All
// cover the whole process: the system, the load generator and the stub.
//
//	DIR/<system>.cpu.pprof        go tool pprof -top DIR/engine.cpu.pprof
//	DIR/<system>.block.pprof      where goroutines waited (channels, select, sync)
//	DIR/<system>.mutex.pprof      contended locks, by the holder's stack
//	DIR/<system>.trace            go tool trace DIR/engine.trace
//	DIR/<system>.goroutines.txt
//
// Block and mutex profiles accumulate over the process's life; each phase
// also writes what they held when it began (<system>.block.base.pprof,
// <system>.mutex.base.pprof), so that `go tool pprof -base` shows the
// phase alone.
type profileSet struct {
	dir, system string
	traceFor    time.Duration

	cpu        *os.File
	goroutines *time.Timer
	traceTimer *time.Timer
	traceDone  chan struct{}
	mu         sync.Mutex
	errs       []error
}

// blockRate samples one blocking event per 10 µs blocked; mutexFraction
// samples one contention event in 5. Both are low enough to leave the
// measured throughput alone on this machine's scale.
const (
	blockRate     = 10_000
	mutexFraction = 5
)

// startProfiles begins recording system's phase of length d into dir.
func startProfiles(dir, system string, d time.Duration) (*profileSet, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("profile dir: %w", err)
	}
	p := &profileSet{dir: dir, system: system, traceFor: min(3*time.Second, d/3)}
	f, err := os.Create(p.path("cpu.pprof"))
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	p.cpu = f
	for _, name := range []string{"block", "mutex"} {
		p.note(writeProfile(name, p.path(name+".base.pprof")))
	}
	runtime.SetBlockProfileRate(blockRate)
	runtime.SetMutexProfileFraction(mutexFraction)
	p.goroutines = time.AfterFunc(d/2, func() { p.note(writeGoroutines(p.path("goroutines.txt"))) })
	if p.traceFor > 0 {
		p.traceDone = make(chan struct{})
		p.traceTimer = time.AfterFunc((d-p.traceFor)/2, p.startTrace)
	}
	return p, nil
}

func (p *profileSet) path(kind string) string {
	return filepath.Join(p.dir, p.system+"."+kind)
}

func (p *profileSet) note(err error) {
	if err != nil {
		p.mu.Lock()
		p.errs = append(p.errs, err)
		p.mu.Unlock()
	}
}

// startTrace records an execution trace for traceFor.
func (p *profileSet) startTrace() {
	defer close(p.traceDone)
	f, err := os.Create(p.path("trace"))
	if err != nil {
		p.note(fmt.Errorf("trace: %w", err))
		return
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		p.note(fmt.Errorf("trace: %w", err))
		return
	}
	time.Sleep(p.traceFor)
	trace.Stop()
}

// stop ends the recording and writes the block and mutex profiles.
func (p *profileSet) stop() error {
	p.goroutines.Stop()
	if p.traceTimer != nil && !p.traceTimer.Stop() {
		<-p.traceDone // the trace started: let it finish
	}
	pprof.StopCPUProfile()
	p.note(p.cpu.Close())
	for _, name := range []string{"block", "mutex"} {
		p.note(writeProfile(name, p.path(name+".pprof")))
	}
	runtime.SetBlockProfileRate(0)
	runtime.SetMutexProfileFraction(0)
	p.mu.Lock()
	defer p.mu.Unlock()
	return errors.Join(p.errs...)
}

func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("%s profile: %w", name, err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("%s profile: %w", name, err)
	}
	return f.Close()
}

// cpuTime is the CPU time (user and system) this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
