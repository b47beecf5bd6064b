package storm

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/medspa/engine/messages"
)

// lead is one simulated person texting one clinic.
type lead struct {
	idx           int
	number, ghost string
	name          string
	target        clinicTarget
	script        Script
	step          int
	replies       chan struct{} // a signal per reply the stub received
}

// runner is the state of one run.
type runner struct {
	o       Options
	runID   string
	client  *http.Client
	post    webhooks
	clinics int // clinic numbers texted
	leads   []*lead
	byNum   map[string]*lead
	ghosts  map[string]bool
	drained chan struct{} // closed when the drain period is over

	reserved atomic.Int64
	stalled  atomic.Int64

	mu      sync.Mutex
	rng     *mrand.Rand
	sent    []Sent
	tally   Tally
	badKind BadSig
}

// Run offers the load, waits for the replies and verifies them. The
// returned error is about the run itself; a failed verification is in the
// report (Report.Passed).
func Run(ctx context.Context, o Options) (*Report, error) {
	o.defaults()
	if err := o.validate(); err != nil {
		return nil, err
	}
	r, err := newRunner(o)
	if err != nil {
		return nil, err
	}
	stub := r.startStub()
	defer stub.Close()

	mon := newMonitor(r.client, o.MetricsURL)
	mon.start(ctx)
	began := time.Now()
	steps := r.offerLoad(ctx)
	loadEnded := time.Now()
	r.drain(ctx, steps)
	replies := stub.Replies()
	mon.stop(ctx)

	r.mu.Lock()
	sent := append([]Sent(nil), r.sent...)
	tally := r.tally
	r.mu.Unlock()
	tally.StubRefused = stub.Refused()
	v := VerifyRun(sent, replies, func(n string) bool { return r.ghosts[n] }, Numbers{}.Foreign)
	rep := newReport(o, r.runID, r.clinics, len(r.leads), began, loadEnded, tally, &v, replies, mon.result())
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("interrupted: %w", err)
	}
	return rep, nil
}

// newRunner draws the run's seed and id, picks the clinics and makes
// their leads, and sets up how webhooks are posted.
func newRunner(o Options) (*runner, error) {
	seed := o.Seed
	if seed == 0 {
		seed = mrand.Uint64() | 1
	}
	rng := mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	tg, err := targets(o.Clinics, o.ClinicCount, o.Carrier)
	if err != nil {
		return nil, err
	}
	_, forger, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("forger key: %w", err)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: 30 * time.Second}}
	var post webhooks = &poster{client: client, url: o.URL, key: o.Key, forger: forger}
	if o.Carrier == messages.CarrierTwilio {
		post = newTwilioPoster(client, o)
	}
	r := &runner{o: o, runID: fmt.Sprintf("%08x", rng.Uint32()), rng: rng, client: client, post: post, clinics: len(tg),
		byNum: map[string]*lead{}, ghosts: map[string]bool{}, drained: make(chan struct{}),
		tally: Tally{Errors: map[string]int{}}}
	r.addLeads(tg, NewNumbers(rng))
	if len(r.leads) == 0 {
		return nil, fmt.Errorf("no leads: set --leads")
	}
	return r, nil
}

// addLeads makes LeadsPerClinic leads for each target.
func (r *runner) addLeads(tg []clinicTarget, nums Numbers) {
	for c, t := range tg {
		for j := range r.o.LeadsPerClinic {
			i := c*r.o.LeadsPerClinic + j
			l := &lead{idx: i, number: nums.Lead(i), ghost: nums.Ghost(i), name: leadNames[i%len(leadNames)],
				target: t, script: r.o.Scripts[i%len(r.o.Scripts)], replies: make(chan struct{}, 64)}
			r.leads = append(r.leads, l)
			r.byNum[l.number] = l
			r.ghosts[l.ghost] = true
		}
	}
}

// startStub starts the carrier API stub that receives the engine's texts.
func (r *runner) startStub() *Stub {
	stub := NewStub(r.o.StubListener, r.o.StubAPIKey, r.onReply)
	stub.Twilio(r.o.TwilioAccountSID, r.o.TwilioAuthToken)
	if r.o.Receipts && r.o.Carrier == messages.CarrierTelnyx {
		stub.Receipts(r.o.Key)
	}
	return stub
}

// offerLoad offers the load, open or closed loop, until Duration passes,
// Messages are sent or every lead gave up. The channel it returns is
// closed when the last lead's step has ended.
func (r *runner) offerLoad(ctx context.Context) <-chan struct{} {
	loadCtx, stopLoad := context.WithCancel(ctx)
	if r.o.Duration > 0 {
		var stopTimer context.CancelFunc
		loadCtx, stopTimer = context.WithTimeout(loadCtx, r.o.Duration)
		defer stopTimer()
	}
	var wg sync.WaitGroup
	if r.o.Rate > 0 {
		r.openLoop(ctx, loadCtx, stopLoad, r.rng, &wg)
	} else {
		r.closedLoop(ctx, loadCtx, stopLoad, &wg)
	}
	stopLoad()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	return done
}

// drain gives the outstanding replies until Drain to come (leads still
// waiting then give up), then waits Settle for late duplicates.
func (r *runner) drain(ctx context.Context, steps <-chan struct{}) {
	select {
	case <-steps:
	case <-time.After(r.o.Drain):
	case <-ctx.Done():
	}
	close(r.drained)
	<-steps
	select {
	case <-time.After(r.o.Settle):
	case <-ctx.Done():
	}
}

func (r *runner) onReply(rep Reply) {
	if r.o.OnReply != nil {
		r.o.OnReply(rep)
	}
	if l, ok := r.byNum[rep.To]; ok {
		select {
		case l.replies <- struct{}{}:
		default:
		}
	}
}

// reserve takes one message from the budget.
func (r *runner) reserve() bool {
	n := r.reserved.Add(1)
	return r.o.Messages <= 0 || n <= int64(r.o.Messages)
}

// gaveUp marks a lead stalled and ends the load when every lead is.
func (r *runner) gaveUp(stopLoad context.CancelFunc) {
	if r.stalled.Add(1) == int64(len(r.leads)) {
		stopLoad()
	}
}

// idleLeads is a queue of the leads free to send, all of them at first.
func (r *runner) idleLeads() chan *lead {
	idle := make(chan *lead, len(r.leads))
	for _, l := range r.leads {
		idle <- l
	}
	return idle
}

// stepLead plays the lead's next step and queues it as idle again, unless
// it gave up.
func (r *runner) stepLead(ctx context.Context, l *lead, idle chan<- *lead, stopLoad context.CancelFunc) {
	if r.step(ctx, l) {
		idle <- l
	} else {
		r.gaveUp(stopLoad)
	}
}

// closedLoop keeps Concurrency messages in flight.
func (r *runner) closedLoop(ctx, loadCtx context.Context, stopLoad context.CancelFunc, wg *sync.WaitGroup) {
	idle := r.idleLeads()
	for range r.o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var l *lead
				select {
				case <-loadCtx.Done():
					return
				case l = <-idle:
				}
				if loadCtx.Err() != nil || !r.reserve() {
					stopLoad()
					return
				}
				r.stepLead(ctx, l, idle, stopLoad)
			}
		}()
	}
	<-loadCtx.Done()
}

// openLoop starts a message at every Poisson arrival, from a lead that is
// not waiting for a reply; with none free the arrival is skipped.
func (r *runner) openLoop(ctx, loadCtx context.Context, stopLoad context.CancelFunc, rng *mrand.Rand, wg *sync.WaitGroup) {
	idle := r.idleLeads()
	arr := NewPoisson(r.o.Rate, rng)
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		at := start.Add(arr.Next())
		if d := time.Until(at); d > 0 {
			timer.Reset(d)
			select {
			case <-loadCtx.Done():
				return
			case <-timer.C:
			}
		} else if loadCtx.Err() != nil {
			return
		}
		var l *lead
		select {
		case l = <-idle:
		default:
			r.mu.Lock()
			r.tally.Skipped++
			r.mu.Unlock()
			continue
		}
		if !r.reserve() {
			stopLoad()
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.stepLead(ctx, l, idle, stopLoad)
		}()
	}
}

func (r *runner) roll(share float64) bool {
	if share <= 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rng.Float64() < share
}
