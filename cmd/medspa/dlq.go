package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/internal/phone"
	"github.com/medspa/engine/messages"
)

const dlqUsage = `usage: medspa dlq <command>

  list [--source S] [--since DURATION] [--limit N]   the dead letters, newest first
  show ID [--raw]                                     one dead letter (bodies and numbers hidden unless --raw)
  replay ID... | --all [--since DURATION] [--source S]
                                                      publish the original message again to its original
                                                      subject with its headers, then remove the dead letter
  drop ID...                                          remove dead letters without replaying them

ID is the dead letter's sequence in the MEDSPA_DLQ stream (list shows it).
NATS is found as by medspa serve: NATS_URL, else NATS_LISTEN, else the
address a running medspa serve recorded in DATA_DIR.
`

// dlq handles the dead letters of one NATS server.
type dlq struct {
	js  jetstream.JetStream
	st  jetstream.Stream
	now func() time.Time
	out io.Writer
}

// deadEntry is one message of the dead-letter stream.
type deadEntry = bus.StoredDeadLetter

func source(e deadEntry) string {
	if e.Letter.Source != "" {
		return e.Letter.Source
	}
	return "?"
}

func runDLQ(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, dlqUsage)
		if len(args) == 0 {
			return errors.New("dlq: no command")
		}
		return nil
	}
	nc, js, err := openJetStream(getenv, "medspa-dlq")
	if err != nil {
		return err
	}
	defer nc.Close()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	st, err := js.Stream(sctx, messages.StreamDead)
	cancel()
	if err != nil {
		return fmt.Errorf("stream %s: %w", messages.StreamDead, err)
	}
	d := &dlq{js: js, st: st, now: time.Now, out: stdout}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "list":
		return d.list(ctx, rest)
	case "show":
		return d.show(ctx, rest)
	case "replay":
		return d.replay(ctx, rest)
	case "drop":
		return d.drop(ctx, rest)
	}
	fmt.Fprint(stdout, dlqUsage)
	return fmt.Errorf("dlq: unknown command %q", cmd)
}

// parseArgs parses flags wherever they are among the arguments and returns
// the others.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func parseIDs(args []string) ([]uint64, error) {
	ids := make([]uint64, 0, len(args))
	for _, a := range args {
		id, err := strconv.ParseUint(a, 10, 64)
		if err != nil || id == 0 {
			return nil, fmt.Errorf("dlq: %q is not a dead letter id (medspa dlq list shows them)", a)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// get reads one dead letter; the error wraps jetstream.ErrMsgNotFound when
// there is no such id.
func (d *dlq) get(ctx context.Context, seq uint64) (deadEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return bus.ReadDeadLetter(ctx, d.st, seq)
}

// each calls f for every dead letter, newest first, until f returns false.
func (d *dlq) each(ctx context.Context, f func(deadEntry) bool) error {
	ictx, cancel := context.WithTimeout(ctx, 5*time.Second)
	info, err := d.st.Info(ictx)
	cancel()
	if err != nil {
		return fmt.Errorf("stream %s: %w", messages.StreamDead, err)
	}
	for seq := info.State.LastSeq; seq >= info.State.FirstSeq && seq > 0; seq-- {
		e, err := d.get(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue // replayed or dropped
		}
		if err != nil {
			return err
		}
		if !f(e) {
			return nil
		}
	}
	return nil
}

// selection is what --source and --since keep.
type selection struct {
	source string
	since  time.Duration
}

func (s selection) keeps(e deadEntry, now time.Time) bool {
	if s.source != "" && source(e) != s.source {
		return false
	}
	return s.since <= 0 || !e.At().Before(now.Add(-s.since))
}

func (d *dlq) list(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dlq list", flag.ContinueOnError)
	fs.SetOutput(d.out)
	var sel selection
	fs.StringVar(&sel.source, "source", "", "only this source: inbound, sms or payment")
	fs.DurationVar(&sel.since, "since", 0, "only those dead-lettered within this long, e.g. 2h")
	limit := fs.Int("limit", 50, "at most this many")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("dlq list: unexpected %q", pos[0])
	}
	now := d.now()
	var shown []deadEntry
	total := 0
	err = d.each(ctx, func(e deadEntry) bool {
		if !sel.keeps(e, now) {
			return true
		}
		total++
		if len(shown) < *limit {
			shown = append(shown, e)
		}
		return true
	})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(d.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAT\tSOURCE\tREASON\tTRIES\tSUBJECT\tERROR")
	for _, e := range shown {
		if e.Bad != nil {
			fmt.Fprintf(tw, "%d\t%s\t%s\t-\t-\t-\t%s\n", e.Seq, e.At().UTC().Format(time.RFC3339), source(e), e.Bad)
			continue
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", e.Seq, e.At().UTC().Format(time.RFC3339), source(e), dash(e.Letter.Reason),
			e.Letter.Deliveries, e.Letter.Subject, redact(e.Letter.Error))
	}
	tw.Flush()
	if total > len(shown) {
		fmt.Fprintf(d.out, "%s, the newest %d shown (--limit)\n", deadLetters(total), len(shown))
	} else {
		fmt.Fprintln(d.out, deadLetters(total))
	}
	return nil
}

func (d *dlq) show(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dlq show", flag.ContinueOnError)
	fs.SetOutput(d.out)
	raw := fs.Bool("raw", false, "print the message and the snapshot as they are, numbers and texts included")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("dlq show: one dead letter id")
	}
	ids, err := parseIDs(pos)
	if err != nil {
		return err
	}
	e, err := d.get(ctx, ids[0])
	if err != nil {
		return err
	}
	w := d.out
	fmt.Fprintf(w, "Dead letter %d (stored %s)\n", e.Seq, e.Stored.UTC().Format(time.RFC3339))
	if e.Bad != nil {
		return e.Bad
	}
	dl := e.Letter
	errText := redact(dl.Error)
	if *raw {
		errText = dl.Error
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, row := range [][2]string{
		{"source", dl.Source}, {"reason", dash(dl.Reason)}, {"at", dl.At.UTC().Format(time.RFC3339Nano)},
		{"deliveries", strconv.FormatUint(dl.Deliveries, 10)}, {"subject", dl.Subject}, {"replay to", bus.ReplayTarget(dl)},
		{"message id", dash(dl.MsgID)}, {"error", errText},
	} {
		fmt.Fprintf(tw, "  %s\t%s\n", row[0], row[1])
	}
	tw.Flush()
	if len(dl.Headers) > 0 {
		fmt.Fprintln(w, "  headers")
		keys := make([]string, 0, len(dl.Headers))
		for k := range dl.Headers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "    %s: %s\n", k, strings.Join(dl.Headers[k], ", "))
		}
	}
	if len(dl.Snapshot) > 0 {
		if *raw {
			fmt.Fprintf(w, "  snapshot (%d bytes, could not be decoded; the conversation started again)\n%s\n", len(dl.Snapshot), dl.Snapshot)
		} else {
			fmt.Fprintf(w, "  snapshot  %d bytes that could not be decoded; the conversation started again (--raw prints them)\n", len(dl.Snapshot))
		}
	}
	fmt.Fprintln(w, "message:")
	if *raw {
		fmt.Fprintf(w, "%s\n", dl.Data)
		return nil
	}
	fmt.Fprintln(w, hidden(dl.Data))
	return nil
}

func (d *dlq) replay(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dlq replay", flag.ContinueOnError)
	fs.SetOutput(d.out)
	all := fs.Bool("all", false, "every dead letter (with --since and --source: those it selects)")
	var sel selection
	fs.StringVar(&sel.source, "source", "", "with --all: only this source")
	fs.DurationVar(&sel.since, "since", 0, "with --all: only those dead-lettered within this long, e.g. 2h")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	var entries []deadEntry
	switch {
	case *all && len(pos) > 0:
		return errors.New("dlq replay: ids or --all, not both")
	case *all:
		now := d.now()
		err = d.each(ctx, func(e deadEntry) bool {
			if sel.keeps(e, now) {
				entries = append(entries, e)
			}
			return true
		})
		if err != nil {
			return err
		}
		// Oldest first: a conversation's messages go back in their order.
		for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
			entries[i], entries[j] = entries[j], entries[i]
		}
	case len(pos) == 0:
		return errors.New("dlq replay: name dead letter ids, or --all")
	case sel.since > 0 || sel.source != "":
		return errors.New("dlq replay: --since and --source go with --all")
	default:
		ids, err := parseIDs(pos)
		if err != nil {
			return err
		}
		for _, id := range ids {
			e, err := d.get(ctx, id)
			if err != nil {
				return err
			}
			entries = append(entries, e)
		}
	}
	var failed int
	for _, e := range entries {
		subject, err := d.replayOne(ctx, e)
		if err != nil {
			failed++
			fmt.Fprintf(d.out, "%d: not replayed: %v\n", e.Seq, err)
			continue
		}
		fmt.Fprintf(d.out, "%d: replayed to %s\n", e.Seq, subject)
	}
	fmt.Fprintf(d.out, "%d replayed, %d failed\n", len(entries)-failed, failed)
	if failed > 0 {
		return fmt.Errorf("dlq replay: %d not replayed (they stay in the dead-letter stream)", failed)
	}
	return nil
}

func deadLetters(n int) string {
	if n == 1 {
		return "1 dead letter"
	}
	return fmt.Sprintf("%d dead letters", n)
}

// replayOne replays one dead letter (bus.ReplayDeadLetter).
func (d *dlq) replayOne(ctx context.Context, e deadEntry) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return bus.ReplayDeadLetter(ctx, d.js, d.st, e)
}

func (d *dlq) drop(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dlq drop", flag.ContinueOnError)
	fs.SetOutput(d.out)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return errors.New("dlq drop: name dead letter ids")
	}
	ids, err := parseIDs(pos)
	if err != nil {
		return err
	}
	for _, id := range ids {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := d.st.DeleteMsg(dctx, id)
		cancel()
		if err != nil {
			return fmt.Errorf("drop dead letter %d: %w", id, err)
		}
		fmt.Fprintf(d.out, "%d: dropped\n", id)
	}
	return nil
}

// hiddenKeys are the fields whose values are what people wrote (texts,
// names, emails) or where they wrote from: show prints their length only.
var hiddenKeys = map[string]bool{"text": true, "message": true, "body": true, "name": true, "email": true,
	"consent_text": true, "note": true, "notes": true, "ip": true, "media": true}

// hidden renders a message for a terminal without what people wrote and
// with numbers masked: indented JSON, or its size when it is not JSON.
func hidden(data []byte) string {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Sprintf("[%d bytes, not JSON; --raw prints them]", len(data))
	}
	b, err := json.MarshalIndent(hide("", v), "", "  ")
	if err != nil {
		return fmt.Sprintf("[%d bytes]", len(data))
	}
	return string(b)
}

func hide(key string, v any) any {
	if hiddenKeys[key] {
		switch x := v.(type) {
		case string:
			if x == "" {
				return x
			}
			return fmt.Sprintf("[%d characters]", utf8.RuneCountInString(x))
		case nil:
			return nil
		default:
			return "[hidden]"
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			x[k] = hide(k, val)
		}
		return x
	case []any:
		for i, val := range x {
			x[i] = hide("", val)
		}
		return x
	case string:
		return e164Like.ReplaceAllStringFunc(x, func(s string) string {
			if phone.Valid(s) {
				return phone.Mask(s)
			}
			return "[number]"
		})
	}
	return v
}

// e164Like matches a number in E.164 form, as messages carry them.
var e164Like = regexp.MustCompile(`\+\d{8,15}`)
