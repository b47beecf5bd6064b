package storm

import (
	"strings"
	"testing"
)

const scrape = `# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 4.2e+07
go_memstats_heap_inuse_bytes 1.5e+07
medspa_webhooks_total{outcome="accepted",provider="telnyx"} 12
medspa_webhooks_total{outcome="bad signature, odd",provider="telnyx"} 3
medspa_outbox_backlog 7
medspa_reply_latency_seconds_bucket{le="0.1"} 10
medspa_reply_latency_seconds_count 12
garbage
`

func TestParseSamplesAndCounterDeltas(t *testing.T) {
	after, err := ParseSamples(strings.NewReader(scrape))
	if err != nil {
		t.Fatal(err)
	}
	if after[metricRSS] != 42e6 || after[metricHeapInuse] != 15e6 {
		t.Errorf("gauges: %v", after)
	}
	if after[`medspa_webhooks_total{outcome="bad signature, odd",provider="telnyx"}`] != 3 {
		t.Errorf("label with spaces: %v", after)
	}
	before := Samples{`medspa_webhooks_total{outcome="accepted",provider="telnyx"}`: 2}
	d := CounterDeltas(before, after)
	want := map[string]float64{
		`medspa_webhooks_total{outcome="accepted",provider="telnyx"}`:           10,
		`medspa_webhooks_total{outcome="bad signature, odd",provider="telnyx"}`: 3,
		`medspa_reply_latency_seconds_count`:                                    12,
	}
	if len(d) != len(want) {
		t.Errorf("deltas %v, want %v", d, want)
	}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s: %v, want %v", k, d[k], v)
		}
	}
}

func TestStageMeans(t *testing.T) {
	before := Samples{`medspa_stage_seconds_sum{stage="commit"}`: 1, `medspa_stage_seconds_count{stage="commit"}`: 10}
	after := Samples{`medspa_stage_seconds_sum{stage="commit"}`: 1.5, `medspa_stage_seconds_count{stage="commit"}`: 110,
		`medspa_stage_seconds_sum{stage="carrier"}`: 0, `medspa_stage_seconds_count{stage="carrier"}`: 0}
	got := StageMeans(before, after)
	if len(got) != 1 || got["commit"] < 4.999 || got["commit"] > 5.001 {
		t.Fatalf("StageMeans = %v, want commit 5 ms only", got)
	}
}

func TestStageQuantiles(t *testing.T) {
	b := func(stage, le string) string {
		return `medspa_stage_seconds_bucket{stage="` + stage + `",le="` + le + `"}`
	}
	// Before: 10 commits under 1 ms. During the run: 100 more commits, 90
	// under 1 ms, 8 more under 10 ms and 2 more under 100 ms; 10 relays, one
	// past the last finite bound.
	before := Samples{b("commit", "0.001"): 10, b("commit", "0.01"): 10, b("commit", "0.1"): 10, b("commit", "+Inf"): 10}
	after := Samples{b("commit", "0.001"): 100, b("commit", "0.01"): 108, b("commit", "0.1"): 110, b("commit", "+Inf"): 110,
		b("relay", "0.001"): 0, b("relay", "0.01"): 5, b("relay", "0.1"): 9, b("relay", "+Inf"): 10,
		b("idle", "0.001"): 0, b("idle", "+Inf"): 0}
	got := StageQuantiles(before, after, 0.99)
	// commit: rank 99 of 100 falls in (10 ms, 100 ms], the 9th of the 10
	// observations there: 10 + 90*(99-98)/(100-98) = 55 ms.
	if v := got["commit"]; v < 54.999 || v > 55.001 {
		t.Errorf("commit p99 = %v ms, want 55", v)
	}
	// relay: rank 9.9 falls in the +Inf bucket: the last finite bound.
	if v := got["relay"]; v != 100 {
		t.Errorf("relay p99 = %v ms, want 100 (the highest finite bound)", v)
	}
	if _, ok := got["idle"]; ok || len(got) != 2 {
		t.Errorf("StageQuantiles = %v, want commit and relay only", got)
	}
	if half := StageQuantiles(before, after, 0.5)["commit"]; half < 0.555 || half > 0.556 {
		// rank 50 of the 90 under 1 ms: 1 ms * 50/90
		t.Errorf("commit p50 = %v ms, want 0.556", half)
	}
}
