package storm

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

func (c *Comparison) verdict() error {
	if c.Passed {
		return nil
	}
	return fmt.Errorf("verification failed: %s", strings.Join(c.Failures, "; "))
}

// WriteTable prints the comparison for people.
func (c *Comparison) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "store: %s, %d CPUs\n", c.Store, c.CPUs)
	if len(c.Results) > 0 {
		fmt.Fprintln(tw, "system\tpeak msg/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\t|\topen msg/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\tpeak rss MiB\tverdict\t")
		for _, r := range c.Results {
			p := r.Peak
			fmt.Fprintf(tw, "%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t|\t", r.System, p.MessagesPerSec, p.Latency.P50, p.Latency.P90, p.Latency.P99, p.Latency.Max)
			if o := r.Open; o != nil {
				fmt.Fprintf(tw, "%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t", o.MessagesPerSec, o.Latency.P50, o.Latency.P90, o.Latency.P99, o.Latency.Max)
			} else {
				fmt.Fprint(tw, "-\t-\t-\t-\t-\t")
			}
			fmt.Fprintf(tw, "%.1f\t%s\t\n", p.Engine.RSSPeak/(1<<20), verdict(r.Peak, r.Open))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(tw, "system\tpeak cores\tpeak CPU µs/msg\tstolen\t|\topen cores\topen CPU µs/msg\tstolen\t")
		for _, r := range c.Results {
			fmt.Fprintf(tw, "%s\t%.2f\t%.0f\t%s\t|\t%.2f\t%.0f\t%s\t\n", r.System, r.PeakCPU.Cores, r.PeakCPU.MicrosPerMsg, percent(r.PeakCPU.Stolen),
				r.OpenCPU.Cores, r.OpenCPU.MicrosPerMsg, percent(r.OpenCPU.Stolen))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if err := c.writeStages(w); err != nil {
			return err
		}
		fmt.Fprintf(w, "open loop at %.1f msg/s (half of the engine's peak)\n", c.OpenRate)
		if c.EngineOverBare > 0 {
			fmt.Fprintf(w, "engine / bare:         %.2f  %s\n", c.EngineOverBare, targetEngineOverBare)
		}
		if c.EngineOverConventional > 0 {
			fmt.Fprintf(w, "engine / conventional: %.2f  %s\n", c.EngineOverConventional, targetEngineOverConventional)
		}
	}
	if len(c.Memory) > 0 {
		fmt.Fprintln(tw, "conversations\tfill s\tmsg/s\tp99 ms\trss before MiB\trss peak MiB\theap peak MiB\tstolen\tverdict\t")
		for _, m := range c.Memory {
			r := m.Report
			fmt.Fprintf(tw, "%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%s\t\n", m.Count, m.FillSeconds, r.MessagesPerSec, r.Latency.P99,
				r.Engine.RSSBefore/(1<<20), r.Engine.RSSPeak/(1<<20), r.Engine.HeapInusePeak/(1<<20), percent(m.Stolen), verdict(r))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if c.MemoryGrowth > 0 {
			fmt.Fprintf(w, "peak rss, largest / smallest store: %.2f  %s\n", c.MemoryGrowth, targetMemoryGrowth)
		}
		if k := len(c.Memory); k >= 2 && c.Memory[0].Report.MessagesPerSec > 0 {
			change := c.Memory[k-1].Report.MessagesPerSec/c.Memory[0].Report.MessagesPerSec - 1
			fmt.Fprintf(w, "throughput, largest / smallest store: %+.0f %%  %s\n", change*100, targetMemoryThroughput)
		}
	}
	if c.Passed {
		fmt.Fprintln(w, "verification: PASS (every run)")
	} else {
		fmt.Fprintf(w, "verification: FAIL: %s\n", strings.Join(c.Failures, "; "))
	}
	return nil
}

func verdict(reps ...*Report) string {
	for _, r := range reps {
		if r != nil && !r.Passed {
			return "FAIL"
		}
	}
	return "PASS"
}

// stageOrder is the order a text meets the stages (internal/stage).
var stageOrder = []string{"gateway", "publish", "delivery", "actor_queue", "decide", "commit", "relay",
	"send_delivery", "send_checks", "send_intent", "carrier", "send_record"}

// writeStages prints each system's mean time per stage in its closed-loop
// phase, and the 99th percentile per stage in its open-loop phase (where
// the open-loop p99 target is judged), for the stages it has.
func (c *Comparison) writeStages(w io.Writer) error {
	type row struct {
		system string
		stages map[string]float64
	}
	var closed, open []row
	for _, r := range c.Results {
		if r.Peak != nil && len(r.Peak.Engine.Stages) > 0 {
			closed = append(closed, row{r.System, r.Peak.Engine.Stages})
		}
		if r.Open != nil && len(r.Open.Engine.StagesP99) > 0 {
			open = append(open, row{r.System, r.Open.Engine.StagesP99})
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, table := range []struct {
		title string
		rows  []row
	}{{"closed loop, mean ms", closed}, {"open loop, p99 ms", open}} {
		if len(table.rows) == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t", table.title)
		for _, st := range stageOrder {
			fmt.Fprintf(tw, "%s\t", st)
		}
		fmt.Fprintln(tw)
		for _, r := range table.rows {
			fmt.Fprintf(tw, "%s\t", r.system)
			for _, st := range stageOrder {
				if v, ok := r.stages[st]; ok {
					fmt.Fprintf(tw, "%.2f\t", v)
				} else {
					fmt.Fprint(tw, "-\t")
				}
			}
			fmt.Fprintln(tw)
		}
	}
	return tw.Flush()
}

// percent prints a share as a percentage, "-" when it is unknown.
func percent(share float64) string {
	if share < 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f %%", share*100)
}
