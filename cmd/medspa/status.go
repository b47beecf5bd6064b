package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/actors"
	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/messages"
)

// statusReport is what `medspa status` prints: one screen about a running
// system. It holds counts, names and errors, never message bodies or
// phone numbers.
type statusReport struct {
	NATS      string
	Streams   []streamStatus
	Consumers []consumerStatus
	Nodes     []string // live engine nodes; nil when the nodes bucket is absent
	Owners    []string // owner of each partition, when Nodes is known
	DLQ       uint64
	DLQBy     map[string]uint64 // dead letters by source; nil when unknown
	Dead      []deadStatus      // the last dead letters, newest first
	Gateway   string
	Outbox    *outboxStatus    // nil when the gateway's metrics were not reachable
	Calendars []calendarStatus // provider calendars, from the same metrics
	Problems  []string         // what could not be read
}

type streamStatus struct {
	Name  string
	Msgs  uint64
	Bytes uint64
}

type consumerStatus struct {
	Stream, Name                     string
	Pending, AckPending, Redelivered uint64
}

type deadStatus struct {
	ID      uint64 // the dead letter's sequence: medspa dlq show ID
	Subject string
	Reason  string
	Error   string
	At      time.Time
}

type outboxStatus struct {
	Backlog, OldestSeconds float64
}

func runStatus(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	// Only the addresses are needed: the full configuration (and its
	// secrets) is not checked here.
	cfg := app.Defaults()
	if v := strings.TrimSpace(getenv("PORT")); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("PORT=%q is not a number", v)
		}
		cfg.Port = p
	}
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	gw := fs.String("gateway", "http://127.0.0.1:"+strconv.Itoa(cfg.Port), "base URL of a process serving /metrics (outbox backlog)")
	last := fs.Int("dead", 5, "how many of the last dead letters to show")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	nc, js, err := openJetStream(getenv, "medspa-status")
	if err != nil {
		return err
	}
	defer nc.Close()
	r := statusReport{NATS: nc.ConnectedUrlRedacted(), Gateway: *gw}
	collectStreams(ctx, js, &r)
	collectNodes(ctx, js, &r)
	collectDead(ctx, js, *last, &r)
	collectOutbox(ctx, *gw, &r)
	collectCalendars(ctx, *gw, &r)
	r.write(stdout)
	return nil
}

func collectStreams(ctx context.Context, js jetstream.JetStream, r *statusReport) {
	for _, name := range []string{messages.StreamInbound, messages.StreamOutbound, messages.StreamEvents, messages.StreamDead} {
		st, err := js.Stream(ctx, name)
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("stream %s: %v", name, err))
			continue
		}
		info, err := st.Info(ctx)
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("stream %s: %v", name, err))
			continue
		}
		r.Streams = append(r.Streams, streamStatus{Name: name, Msgs: info.State.Msgs, Bytes: info.State.Bytes})
		if name == messages.StreamDead {
			r.DLQ = info.State.Msgs
			if by, err := bus.DeadCounts(ctx, js); err == nil {
				r.DLQBy = by
			} else {
				r.Problems = append(r.Problems, fmt.Sprintf("dead letters by source: %v", err))
			}
		}
		list := st.ListConsumers(ctx)
		for ci := range list.Info() {
			r.Consumers = append(r.Consumers, consumerStatus{Stream: name, Name: ci.Name, Pending: ci.NumPending,
				AckPending: uint64(ci.NumAckPending), Redelivered: uint64(ci.NumRedelivered)})
		}
		if err := list.Err(); err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("consumers of %s: %v", name, err))
		}
	}
}

// collectNodes reads the live engine nodes and shares the partitions among
// them as the engines do (actors.Assign).
func collectNodes(ctx context.Context, js jetstream.JetStream, r *statusReport) {
	kv, err := js.KeyValue(ctx, bus.NodesBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return
	}
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("nodes bucket: %v", err))
		return
	}
	keys, err := kv.Keys(ctx)
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		r.Problems = append(r.Problems, fmt.Sprintf("nodes bucket: %v", err))
		return
	}
	sort.Strings(keys)
	r.Nodes = append([]string{}, keys...)
	if len(keys) > 0 {
		r.Owners = actors.Assign(r.partitions(), keys)
	}
}

// partitions counts the engine's partition consumers.
func (r *statusReport) partitions() int {
	n := 0
	for _, c := range r.Consumers {
		if c.Stream == messages.StreamInbound && strings.HasPrefix(c.Name, "engine-p") {
			n++
		}
	}
	return n
}

// collectDead reads the newest dead letters, keeping their subject, error
// and time only.
func collectDead(ctx context.Context, js jetstream.JetStream, n int, r *statusReport) {
	st, err := js.Stream(ctx, messages.StreamDead)
	if err != nil || n <= 0 {
		return
	}
	info, err := st.Info(ctx)
	if err != nil {
		return
	}
	for seq := info.State.LastSeq; seq >= info.State.FirstSeq && seq > 0 && len(r.Dead) < n; seq-- {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("dead letter %d: %v", seq, err))
			return
		}
		d := deadFrom(m.Data, m.Time)
		d.ID = seq
		r.Dead = append(r.Dead, d)
	}
}

// deadFrom keeps what is safe to show of a dead letter.
func deadFrom(b []byte, stored time.Time) deadStatus {
	var dl messages.DeadLetter
	if err := json.Unmarshal(b, &dl); err != nil {
		return deadStatus{Subject: "?", Error: "undecodable dead letter", At: stored}
	}
	d := deadStatus{Subject: dl.Subject, Reason: dl.Reason, Error: redact(dl.Error), At: dl.At}
	if d.At.IsZero() {
		d.At = stored
	}
	return d
}

var phoneLike = regexp.MustCompile(`\+?\d[\d\-. ()]{8,}\d`)

// redact hides anything in an error that looks like a phone number and
// keeps it to one short line.
func redact(s string) string {
	s = phoneLike.ReplaceAllString(s, "[number]")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// collectOutbox reads the engine's outbox backlog from the metrics at base.
func collectOutbox(ctx context.Context, base string, r *statusReport) {
	readMetrics(ctx, base, func(body io.Reader) {
		vals := scrapeValues(body, "medspa_outbox_backlog", "medspa_outbox_oldest_seconds")
		backlog, ok := vals["medspa_outbox_backlog"]
		if !ok {
			return // a process without the engine role
		}
		r.Outbox = &outboxStatus{Backlog: backlog, OldestSeconds: vals["medspa_outbox_oldest_seconds"]}
	})
}

// readMetrics hands the Prometheus exposition at base/metrics to read;
// when it cannot be had, read is not called.
func readMetrics(ctx context.Context, base string, read func(io.Reader)) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/metrics", nil)
	if err != nil {
		return
	}
	resp, err := (&http.Client{Timeout: 3 * time.Second}).Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return
	}
	read(resp.Body)
}

// scrapeValues sums the samples of the named metrics in a Prometheus text
// exposition; a metric with no sample is absent from the result.
func scrapeValues(body io.Reader, names ...string) map[string]float64 {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, _, _ := strings.Cut(line, " ")
		name, _, _ = strings.Cut(name, "{")
		if !want[name] {
			continue
		}
		rest := line[len(name):]
		if i := strings.LastIndex(rest, "}"); i >= 0 {
			rest = rest[i+1:]
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		out[name] += v
	}
	return out
}

func (r statusReport) write(w io.Writer) {
	fmt.Fprintf(w, "NATS %s\n\n", r.NATS)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STREAM\tMESSAGES\tBYTES")
	for _, s := range r.Streams {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", s.Name, s.Msgs, humanBytes(s.Bytes))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONSUMER\tSTREAM\tPENDING\tACK PENDING\tREDELIVERED\tOWNER")
	for _, c := range r.Consumers {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", c.Name, c.Stream, c.Pending, c.AckPending, c.Redelivered, r.owner(c))
	}
	tw.Flush()
	fmt.Fprintln(w)
	switch {
	case r.Nodes == nil:
		fmt.Fprintln(w, "Engine nodes: single node (serve)")
	case len(r.Nodes) == 0:
		fmt.Fprintln(w, "Engine nodes: none alive: no partition is consumed")
	default:
		fmt.Fprintf(w, "Engine nodes: %d (%s)\n", len(r.Nodes), strings.Join(r.Nodes, ", "))
	}
	if r.Outbox != nil {
		fmt.Fprintf(w, "Outbox: %.0f unpublished, oldest %s (from %s)\n", r.Outbox.Backlog,
			(time.Duration(r.Outbox.OldestSeconds * float64(time.Second))).Round(time.Second), r.Gateway)
	} else {
		fmt.Fprintf(w, "Outbox: unknown (no engine metrics at %s/metrics)\n", strings.TrimSuffix(r.Gateway, "/"))
	}
	writeCalendars(w, r.Calendars)
	fmt.Fprintf(w, "Dead letters: %d%s\n", r.DLQ, bySource(r.DLQBy))
	if len(r.Dead) > 0 {
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  ID\tAT\tSUBJECT\tREASON\tERROR")
		for _, d := range r.Dead {
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\n", d.ID, d.At.UTC().Format(time.RFC3339), d.Subject, dash(d.Reason), d.Error)
		}
		tw.Flush()
		fmt.Fprintln(w, "  (medspa dlq list | show ID | replay ID | drop ID)")
	}
	if len(r.Problems) > 0 {
		fmt.Fprintln(w, "\nCould not read:")
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
}

// bySource formats dead-letter counts by source: " (inbound 2, payment 0,
// sms 1)", or "" when unknown.
func bySource(by map[string]uint64) string {
	if len(by) == 0 {
		return ""
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, by[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// owner is the engine node that consumes a partition consumer.
func (r statusReport) owner(c consumerStatus) string {
	if c.Stream != messages.StreamInbound {
		return ""
	}
	p, err := strconv.Atoi(strings.TrimPrefix(c.Name, "engine-p"))
	if err != nil {
		return ""
	}
	switch {
	case r.Nodes == nil:
		return "serve"
	case p < len(r.Owners):
		return r.Owners[p]
	}
	return "-"
}

func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
