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
