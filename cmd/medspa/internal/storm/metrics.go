package storm

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
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
