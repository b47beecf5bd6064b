package storm

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Samples are the series of one Prometheus text scrape, by their full name
// with labels as written (`medspa_webhooks_total{outcome="accepted"}`).
type Samples map[string]float64

// Engine metrics storm watches.
const (
	metricRSS       = "process_resident_memory_bytes"
	metricHeapInuse = "go_memstats_heap_inuse_bytes"
	metricPrefix    = "medspa_"
)

// ParseSamples reads the Prometheus text format; comments and malformed
// lines are skipped.
func ParseSamples(r io.Reader) (Samples, error) {
	out := Samples{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		// name{labels} value [timestamp]; label values may hold spaces.
		end := strings.LastIndexByte(line, '}')
		rest := line
		name := ""
		if end >= 0 {
			name, rest = line[:end+1], strings.TrimSpace(line[end+1:])
		} else {
			sp := strings.IndexByte(line, ' ')
			if sp < 0 {
				continue
			}
			name, rest = line[:sp], strings.TrimSpace(line[sp+1:])
		}
		if f := strings.Fields(rest); len(f) > 0 {
			if v, err := strconv.ParseFloat(f[0], 64); err == nil {
				out[name] = v
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	return out, nil
}

// Scrape fetches and parses url.
func Scrape(ctx context.Context, client *http.Client, url string) (Samples, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("scrape: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scrape: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape %s: %s", url, resp.Status)
	}
	return ParseSamples(resp.Body)
}

// StageMeans returns the mean duration in milliseconds of each stage of
// medspa_stage_seconds observed between before and after.
func StageMeans(before, after Samples) map[string]float64 {
	const sum, count = "medspa_stage_seconds_sum{", "medspa_stage_seconds_count{"
	out := map[string]float64{}
	for k, v := range after {
		if !strings.HasPrefix(k, sum) {
			continue
		}
		labels := k[len(sum):]
		n := after[count+labels] - before[count+labels]
		if n <= 0 {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(labels, `stage="`), `"}`)
		out[name] = (v - before[k]) / n * 1000
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// StageQuantiles returns the q-quantile in milliseconds of each stage of
// medspa_stage_seconds observed between before and after, read from the
// histogram's buckets as Prometheus's histogram_quantile reads them: linear
// within the bucket the rank falls in, and the highest finite bound when it
// falls past it. The buckets are coarse (internal/stage), so it tells the
// range a tail is in, not its exact value.
func StageQuantiles(before, after Samples, q float64) map[string]float64 {
	const bucket = "medspa_stage_seconds_bucket{"
	type le struct{ bound, n float64 }
	stages := map[string][]le{}
	for k, v := range after {
		if !strings.HasPrefix(k, bucket) {
			continue
		}
		labels := labelValues(k[len(bucket) : len(k)-1])
		bound, err := strconv.ParseFloat(labels["le"], 64)
		if err != nil || labels["stage"] == "" {
			continue
		}
		stages[labels["stage"]] = append(stages[labels["stage"]], le{bound, v - before[k]})
	}
	out := map[string]float64{}
	for name, bs := range stages {
		sort.Slice(bs, func(i, j int) bool { return bs[i].bound < bs[j].bound })
		total := bs[len(bs)-1].n // the +Inf bucket counts every observation
		if total <= 0 || !math.IsInf(bs[len(bs)-1].bound, 1) {
			continue
		}
		rank, lower, below := q*total, 0.0, 0.0
		for i, b := range bs {
			if b.n < rank {
				lower, below = b.bound, b.n
				continue
			}
			if math.IsInf(b.bound, 1) {
				if i > 0 {
					out[name] = bs[i-1].bound * 1000
				}
				break
			}
			out[name] = (lower + (b.bound-lower)*(rank-below)/(b.n-below)) * 1000
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// labelValues reads `a="x",b="y"`; values hold no quotes here.
func labelValues(s string) map[string]string {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			out[k] = strings.Trim(v, `"`)
		}
	}
	return out
}

// CounterDeltas returns, for every medspa_ counter (a name ending in
// _total, or a histogram's _count), how much it grew from before to after.
func CounterDeltas(before, after Samples) map[string]float64 {
	out := map[string]float64{}
	for k, v := range after {
		if !strings.HasPrefix(k, metricPrefix) {
			continue
		}
		base := k
		if i := strings.IndexByte(k, '{'); i >= 0 {
			base = k[:i]
		}
		if !strings.HasSuffix(base, "_total") && !strings.HasSuffix(base, "_count") {
			continue
		}
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}
