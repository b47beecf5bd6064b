package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestScrapeCalendars(t *testing.T) {
	text := `# TYPE medspa_calendar_sync_up gauge
medspa_calendar_sync_up{clinic="glow-chicago",provider="dr-kim"} 0
medspa_calendar_sync_up{clinic="glow-chicago",provider="nurse-ali"} 1
medspa_calendar_last_sync_timestamp_seconds{clinic="glow-chicago",provider="nurse-ali"} 1.7962272e+09
medspa_calendar_sync_errors_total{clinic="glow-chicago",provider="dr-kim"} 3
medspa_outbox_backlog 2
`
	got := scrapeCalendars(strings.NewReader(text))
	if len(got) != 2 || got[0].Provider != "dr-kim" || got[0].Up || got[0].Errors != 3 || !got[0].LastSync.IsZero() ||
		!got[1].Up || got[1].LastSync.Unix() != 1796227200 {
		t.Fatalf("scraped %+v", got)
	}
	var b bytes.Buffer
	writeCalendars(&b, got)
	for _, want := range []string{"glow-chicago/dr-kim: FAILING", "last synced never, 3 failed syncs", "glow-chicago/nurse-ali: ok, last synced 2026-12-02T16:00:00Z"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, b.String())
		}
	}
}
