package leadsim

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Summary is a split's measurement.
type Summary struct {
	Split       Split
	N           int
	Successes   int
	TurnsNamed  []int // turns to the hold, first text names service and day
	TurnsOther  []int
	HandoffsAll int
	// HandoffsCoop are hand-offs of cooperative personas.
	HandoffsCoop int
	Repeated     int
	Reasked      int
	WrongName    int
	Categories   map[Category]int
	// Failures are the failed conversations by category, in run order.
	Failures map[Category][]*Conversation
}

// Summarize scores conversations.
func Summarize(split Split, convs []*Conversation) Summary {
	s := Summary{Split: split, N: len(convs), Categories: map[Category]int{}, Failures: map[Category][]*Conversation{}}
	for _, c := range convs {
		r := Score(c)
		if r.Success {
			s.Successes++
		}
		if r.TurnsToHold > 0 {
			if r.NamesServiceAndDay {
				s.TurnsNamed = append(s.TurnsNamed, r.TurnsToHold)
			} else {
				s.TurnsOther = append(s.TurnsOther, r.TurnsToHold)
			}
		}
		if r.HandedOff {
			s.HandoffsAll++
			if r.Cooperative {
				s.HandoffsCoop++
			}
		}
		if r.Repeated {
			s.Repeated++
		}
		if r.Reasked {
			s.Reasked++
		}
		if r.WrongName {
			s.WrongName++
		}
		if !r.Success {
			s.Categories[r.Category]++
			s.Failures[r.Category] = append(s.Failures[r.Category], c)
		}
	}
	return s
}

// SuccessRate is the share of conversations that succeeded, in percent.
func (s Summary) SuccessRate() float64 {
	if s.N == 0 {
		return 0
	}
	return 100 * float64(s.Successes) / float64(s.N)
}

// Median returns the median of xs, 0 for none.
func Median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	ys := slices.Sorted(slices.Values(xs))
	n := len(ys)
	if n%2 == 1 {
		return float64(ys[n/2])
	}
	return float64(ys[n/2-1]+ys[n/2]) / 2
}

// WriteTable prints the summaries side by side, one column per split.
func WriteTable(w io.Writer, sums []Summary) {
	row := func(label string, f func(Summary) string) {
		line := fmt.Sprintf("%-44s", label)
		for _, s := range sums {
			line += fmt.Sprintf(" %14s", f(s))
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	row("split", func(s Summary) string { return string(s.Split) })
	row("conversations", func(s Summary) string { return fmt.Sprint(s.N) })
	row("task success", func(s Summary) string { return fmt.Sprintf("%.1f%%", s.SuccessRate()) })
	row("median turns to hold (service+day first)", func(s Summary) string {
		return fmt.Sprintf("%.1f (n=%d)", Median(s.TurnsNamed), len(s.TurnsNamed))
	})
	row("median turns to hold (otherwise)", func(s Summary) string {
		return fmt.Sprintf("%.1f (n=%d)", Median(s.TurnsOther), len(s.TurnsOther))
	})
	row("hand-offs (cooperative / all)", func(s Summary) string { return fmt.Sprintf("%d / %d", s.HandoffsCoop, s.HandoffsAll) })
	row("a question asked more than twice", func(s Summary) string { return fmt.Sprint(s.Repeated) })
	row("asked again what the lead said", func(s Summary) string { return fmt.Sprint(s.Reasked) })
	row("a wrong name taken", func(s Summary) string { return fmt.Sprint(s.WrongName) })
	row("failures", func(s Summary) string { return fmt.Sprint(s.N - s.Successes) })
	for _, c := range Categories {
		row("  "+string(c), func(s Summary) string { return fmt.Sprint(s.Categories[c]) })
	}
}

// WriteFailures prints up to k failed transcripts of each category.
func WriteFailures(w io.Writer, s Summary, k int) {
	for _, cat := range Categories {
		convs := s.Failures[cat]
		for i := 0; i < len(convs) && i < k; i++ {
			fmt.Fprintf(w, "\n=== %s split, %s (%d of %d)\n", s.Split, cat, i+1, len(convs))
			WriteTranscript(w, convs[i])
		}
	}
}

// WriteTranscript prints a conversation: the persona, then every text.
func WriteTranscript(w io.Writer, c *Conversation) {
	p := c.Persona
	loc := p.Clinic.Location()
	g := p.Goal
	want := string(g.Kind)
	if len(g.Days) > 0 {
		var ds []string
		for _, d := range g.Days {
			ds = append(ds, d.String())
		}
		want += " days=" + strings.Join(ds, ",")
	}
	if g.From != 0 || g.To != 24*60 {
		want += fmt.Sprintf(" times=%02d:%02d-%02d:%02d", g.From/60, g.From%60, g.To/60, g.To%60)
	}
	if g.WeekdaysOnly {
		want += " weekdays"
	}
	fmt.Fprintf(w, "#%d clinic=%s service=%s want=%s name=%q for=%q pick=%s cooperative=%v start=%s\n",
		c.Index, p.Clinic.ID, p.Service.ID, want, p.Name, p.For, p.Pick, p.Cooperative,
		p.Start.In(loc).Format("Mon 2006-01-02 15:04 MST"))
	for _, ex := range c.Exchanges {
		acts := make([]string, len(ex.Acts))
		for i, a := range ex.Acts {
			acts[i] = string(a)
		}
		fmt.Fprintf(w, "  lead   [%s] %s\n", strings.Join(acts, "+"), ex.Lead)
		for _, t := range ex.Engine {
			fmt.Fprintf(w, "  engine %s\n", t)
		}
		line := fmt.Sprintf("         phase=%s ask=%s", ex.Phase, orDash(string(ex.Ask)))
		if ex.Held {
			line += " held=" + ex.HoldStart.In(loc).Format("Mon Jan 2 15:04")
		}
		fmt.Fprintln(w, line)
	}
	if c.Err != nil {
		fmt.Fprintf(w, "  error: %v\n", c.Err)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
