// Package clock is the process's one source of the time of day.
//
// A clock is a func() time.Time. app.Run builds one (Real, unless the
// caller passes its own) and hands it to every part that decides with the
// time: the gateway (signature timestamps, tokens, receipt times), the
// engine and its actors (decisions, timers, holds), the sender's quiet-hour
// gate, the payments worker, the outbox relay and the stores' timestamps.
// Tests pass a Test clock instead, so they choose the hour they run at.
//
// Durations measured for metrics, logs, polling and shutdown grace are not
// the time of day: they use a Stopwatch, which reads the monotonic clock
// and is unaffected by a Test clock.
//
// No package below cmd/ reads the wall clock directly; a test in this
// package enforces it.
package clock

import (
	"context"
	"sync/atomic"
	"time"
)

// Real is the wall clock.
func Real() time.Time { return time.Now() }

// Or returns now, or Real when now is nil: the default of every Config
// that takes a clock.
func Or(now func() time.Time) func() time.Time {
	if now == nil {
		return Real
	}
	return now
}

// Test is a clock for tests: it starts at a chosen instant and runs with
// real time from there (the real clock plus an offset), and Advance jumps
// it forward. It is safe for concurrent use.
type Test struct {
	offset atomic.Int64 // nanoseconds added to the real clock
}

// NewTest returns a clock that reads at now and runs on from there.
func NewTest(at time.Time) *Test {
	c := &Test{}
	c.Set(at)
	return c
}

// Now is the clock's current instant.
func (c *Test) Now() time.Time {
	return time.Now().Add(time.Duration(c.offset.Load())).Round(0)
}

// Advance moves the clock forward by d (backward when d is negative).
func (c *Test) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// Set moves the clock to at; it runs on from there.
func (c *Test) Set(at time.Time) { c.offset.Store(int64(time.Until(at))) }

// Stopwatch measures elapsed real time (the monotonic clock), for metrics,
// logs, polling deadlines and shutdown grace; never for the time of day.
type Stopwatch struct{ start time.Time }

// Start starts a stopwatch.
func Start() Stopwatch { return Stopwatch{start: time.Now()} }

// Elapsed is the real time since Start.
func (s Stopwatch) Elapsed() time.Duration { return time.Since(s.start) }

// Within reports whether less than d has elapsed since Start.
func (s Stopwatch) Within(d time.Duration) bool { return s.Elapsed() < d }

// Remaining is the real time left before ctx's deadline; ok is false when
// ctx has none.
func Remaining(ctx context.Context) (d time.Duration, ok bool) {
	dl, ok := ctx.Deadline()
	if !ok {
		return 0, false
	}
	return time.Until(dl), true
}
