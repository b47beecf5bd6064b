package storm

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// EngineStats is what the engine's metrics showed over the run.
type EngineStats struct {
	Scraped         bool               `json:"scraped"`
	Error           string             `json:"error,omitempty"`
	RSSBefore       float64            `json:"rss_bytes_before"`
	RSSAfter        float64            `json:"rss_bytes_after"`
	RSSPeak         float64            `json:"rss_bytes_peak"`
	HeapInuseBefore float64            `json:"heap_inuse_bytes_before"`
	HeapInuseAfter  float64            `json:"heap_inuse_bytes_after"`
	HeapInusePeak   float64            `json:"heap_inuse_bytes_peak"`
	Counters        map[string]float64 `json:"counters,omitempty"` // medspa_ counter growth during the run
	// Stages is the mean time per message of each pipeline stage during
	// the run (medspa_stage_seconds, internal/stage), in milliseconds.
	Stages map[string]float64 `json:"stages_ms,omitempty"`
	// StagesP99 is the 99th percentile of each stage (StageQuantiles), in
	// milliseconds.
	StagesP99          map[string]float64 `json:"stages_p99_ms,omitempty"`
	scrapes, scrapeErr int
}

// monitor scrapes the engine's metrics before, every second during, and
// after the run.
type monitor struct {
	client *http.Client
	url    string

	mu     sync.Mutex
	before Samples
	after  Samples
	stats  EngineStats
	cancel context.CancelFunc
	done   chan struct{}
}

func newMonitor(client *http.Client, url string) *monitor {
	return &monitor{client: client, url: url, done: make(chan struct{})}
}

func (m *monitor) scrape(ctx context.Context) Samples {
	if m.url == "" {
		return nil
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, err := Scrape(sctx, m.client, m.url)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.stats.scrapeErr++
		m.stats.Error = err.Error()
		return nil
	}
	m.stats.scrapes++
	m.stats.RSSPeak = max(m.stats.RSSPeak, s[metricRSS])
	m.stats.HeapInusePeak = max(m.stats.HeapInusePeak, s[metricHeapInuse])
	return s
}

func (m *monitor) start(ctx context.Context) {
	m.before = m.scrape(ctx)
	ctx, m.cancel = context.WithCancel(ctx)
	go func() {
		defer close(m.done)
		if m.url == "" {
			return
		}
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				m.scrape(ctx)
			}
		}
	}()
}

func (m *monitor) stop(ctx context.Context) {
	m.cancel()
	<-m.done
	m.after = m.scrape(ctx)
}

func (m *monitor) result() EngineStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.stats
	if m.before == nil || m.after == nil {
		return st
	}
	st.Scraped = true
	st.Error = ""
	st.RSSBefore, st.RSSAfter = m.before[metricRSS], m.after[metricRSS]
	st.HeapInuseBefore, st.HeapInuseAfter = m.before[metricHeapInuse], m.after[metricHeapInuse]
	st.Counters = CounterDeltas(m.before, m.after)
	st.Stages = StageMeans(m.before, m.after)
	st.StagesP99 = StageQuantiles(m.before, m.after, 0.99)
	return st
}
