package storm

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is the outcome of a run.
type Report struct {
	RunID       string  `json:"run_id"`
	Mode        string  `json:"mode"` // "open" or "closed"
	Rate        float64 `json:"target_rate,omitempty"`
	Concurrency int     `json:"concurrency,omitempty"`
	Clinics     int     `json:"clinics"`
	Leads       int     `json:"leads"`
	LoadSeconds float64 `json:"load_seconds"` // how long load was offered
	// Throughput: accepted messages per second of load; replies per second
	// from the first post to the last reply.
	MessagesPerSec float64 `json:"messages_per_sec"`
	RepliesPerSec  float64 `json:"replies_per_sec"`

	Latency      LatencySummary `json:"latency_ms"`
	Tally        Tally          `json:"posts"`
	Verification Verdict        `json:"verification"`
	Engine       EngineStats    `json:"engine"`
	Passed       bool           `json:"passed"`
	Failures     []string       `json:"failures,omitempty"`
}

// LatencySummary is in milliseconds, from a message's post to its reply at
// the stub.
type LatencySummary struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
	Mean  float64 `json:"mean"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func newReport(o Options, runID string, clinics, leads int, began, loadEnded time.Time, t Tally, v *Verdict, replies []Reply, eng EngineStats) *Report {
	r := &Report{RunID: runID, Mode: "closed", Concurrency: o.Concurrency, Clinics: clinics, Leads: leads,
		LoadSeconds: loadEnded.Sub(began).Seconds(), Tally: t, Verification: *v, Engine: eng}
	if o.Rate > 0 {
		r.Mode, r.Rate, r.Concurrency = "open", o.Rate, 0
	}
	if r.LoadSeconds > 0 {
		r.MessagesPerSec = float64(v.Accepted) / r.LoadSeconds
	}
	if len(replies) > 0 {
		if span := replies[len(replies)-1].At.Sub(began).Seconds(); span > 0 {
			r.RepliesPerSec = float64(len(replies)) / span
		}
	}
	l := &v.Latencies
	r.Latency = LatencySummary{Count: l.Count(), P50: ms(l.Percentile(50)), P90: ms(l.Percentile(90)),
		P99: ms(l.Percentile(99)), Max: ms(l.Max()), Mean: ms(l.Mean())}
	fail := func(n int, what string) {
		if n > 0 {
			r.Failures = append(r.Failures, fmt.Sprintf("%d %s", n, what))
		}
	}
	fail(v.Lost, "lost replies")
	fail(v.Duplicate, "duplicate replies")
	fail(v.OutOfOrder, "out-of-order or wrong replies")
	fail(v.WrongSender, "replies from the wrong number")
	fail(v.ToRejected, "replies to rejected webhooks")
	fail(v.UnknownRecipient, "replies to unknown numbers")
	fail(t.BadAccepted, "forged webhooks accepted")
	if v.Accepted == 0 {
		r.Failures = append(r.Failures, "no message was accepted")
	}
	r.Passed = len(r.Failures) == 0
	return r
}

func (r *Report) verdict() error {
	if r.Passed {
		return nil
	}
	return fmt.Errorf("verification failed: %s", strings.Join(r.Failures, ", "))
}

// WriteTable prints the report for people.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(k string, format string, a ...any) {
		fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{k}, a...)...)
	}
	load := fmt.Sprintf("closed loop, %d in flight", r.Concurrency)
	if r.Mode == "open" {
		load = fmt.Sprintf("open loop, Poisson %.1f msg/s", r.Rate)
	}
	p("run", "%s: %s, %d clinics, %d leads, %.1fs", r.RunID, load, r.Clinics, r.Leads, r.LoadSeconds)
	t := r.Tally
	p("messages", "%d posted, %d accepted, %d retries, %d skipped (no free lead)", t.Messages, r.Verification.Accepted, t.Retries, t.Skipped)
	p("duplicates", "%d re-posted, %d answered 200", t.DupPosted, t.DupAccepted)
	p("bad signatures", "%d posted, %d refused, %d accepted", t.BadPosted, t.BadRejected, t.BadAccepted)
	p("throughput", "%.1f msg/s accepted, %.1f replies/s", r.MessagesPerSec, r.RepliesPerSec)
	l := r.Latency
	p("latency (ms)", "p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f  (n=%d)", l.P50, l.P90, l.P99, l.Max, l.Mean, l.Count)
	v := r.Verification
	p("replies", "%d received, %d matched, %d lost, %d duplicate, %d out of order, %d wrong sender", v.Replies, v.Matched, v.Lost, v.Duplicate, v.OutOfOrder, v.WrongSender)
	p("", "%d to rejected senders, %d to unknown numbers, %d to uncertain posts", v.ToRejected, v.UnknownRecipient, v.UncertainReplies)
	if v.Foreign > 0 {
		p("", "%d to numbers outside this run (other conversations on the server; not judged)", v.Foreign)
	}
	if t.ReplyTimeout+t.StubRefused > 0 {
		p("waits", "%d leads gave up waiting, %d engine requests refused by the stub", t.ReplyTimeout, t.StubRefused)
	}
	for _, k := range slices.Sorted(maps.Keys(t.Errors)) {
		p("error "+k, "%d", t.Errors[k])
	}
	e := r.Engine
	switch {
	case e.Scraped:
		p("engine memory", "rss %s -> %s (peak %s), heap in use %s -> %s (peak %s)", mib(e.RSSBefore), mib(e.RSSAfter), mib(e.RSSPeak),
			mib(e.HeapInuseBefore), mib(e.HeapInuseAfter), mib(e.HeapInusePeak))
		if len(e.Counters) > 0 {
			p("engine counters", "%s", counterLines(e.Counters))
		}
	case e.Error != "":
		p("engine metrics", "unavailable: %s", e.Error)
	}
	if r.Passed {
		p("verdict", "PASS")
	} else {
		p("verdict", "FAIL: %s", strings.Join(r.Failures, ", "))
	}
	return tw.Flush()
}

// counterLines lists counter growth, one per line, aligned under the
// table's value column by a leading tab.
func counterLines(c map[string]float64) string {
	var b strings.Builder
	for i, k := range slices.SortedFunc(maps.Keys(c), func(a, b string) int { return cmp.Compare(a, b) }) {
		if i > 0 {
			b.WriteString("\n\t")
		}
		fmt.Fprintf(&b, "+%g %s", c[k], k)
	}
	return b.String()
}

func mib(b float64) string { return fmt.Sprintf("%.1fMiB", b/(1<<20)) }
