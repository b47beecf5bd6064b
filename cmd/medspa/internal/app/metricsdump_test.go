package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// dumpMetrics logs the engine's counters and histogram sums (go test -v).
func dumpMetrics(t testing.TB, base string) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "medspa_") && (strings.Contains(l, "_sum") || strings.Contains(l, "_count") || strings.Contains(l, "total")) {
			t.Log(l)
		}
	}
}
