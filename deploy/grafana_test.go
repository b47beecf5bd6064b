package deploy

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// registeredMetrics lists the metric names the Go sources register
// (`Name: "medspa_..."` in their Opts), tests excluded.
func registeredMetrics(t *testing.T) map[string]bool {
	t.Helper()
	decl := regexp.MustCompile(`Name:\s*"(medspa_[a-z0-9_]+)"`)
	names := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
			names[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 20 {
		t.Fatalf("found %d registered metrics in the Go sources, the walk went wrong", len(names))
	}
	return names
}

type dashboard struct {
	UID           string `json:"uid"`
	Title         string `json:"title"`
	SchemaVersion int    `json:"schemaVersion"`
	Panels        []struct {
		ID      int    `json:"id"`
		Type    string `json:"type"`
		Title   string `json:"title"`
		GridPos struct {
			H, W, X, Y int
		} `json:"gridPos"`
		Targets []struct {
			RefID string `json:"refId"`
			Expr  string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

var metricRef = regexp.MustCompile(`\bmedspa_[a-z0-9_]+`)

// seriesMetric is the metric a series name belongs to: a histogram's
// _bucket, _sum and _count series belong to the histogram.
func seriesMetric(series string, registered map[string]bool) string {
	if registered[series] {
		return series
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(series, suffix); ok && registered[base] {
			return base
		}
	}
	return series
}

func TestGrafanaDashboardQueriesRegisteredMetrics(t *testing.T) {
	b, err := os.ReadFile("grafana/medspa-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("medspa-dashboard.json: %v", err)
	}
	if d.UID == "" || d.Title == "" || d.SchemaVersion < 36 {
		t.Errorf("dashboard uid %q, title %q, schemaVersion %d: want both set and schemaVersion >= 36", d.UID, d.Title, d.SchemaVersion)
	}
	if len(d.Panels) == 0 {
		t.Fatal("dashboard has no panels")
	}
	registered := registeredMetrics(t)
	shown := map[string]bool{}
	ids := map[int]bool{}
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d used twice", p.ID)
		}
		ids[p.ID] = true
		if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %q: bad gridPos %+v", p.Title, p.GridPos)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no queries", p.Title)
		}
		for _, q := range p.Targets {
			refs := metricRef.FindAllString(q.Expr, -1)
			if len(refs) == 0 {
				t.Errorf("panel %q query %s names no medspa metric: %s", p.Title, q.RefID, q.Expr)
			}
			for _, r := range refs {
				m := seriesMetric(r, registered)
				if !registered[m] {
					t.Errorf("panel %q query %s uses %s, which no Go source registers", p.Title, q.RefID, r)
				}
				shown[m] = true
			}
			if strings.Count(q.Expr, "(") != strings.Count(q.Expr, ")") {
				t.Errorf("panel %q query %s has unbalanced parentheses: %s", p.Title, q.RefID, q.Expr)
			}
		}
	}
	// What operators asked to see.
	for _, want := range []string{
		"medspa_conversations_by_phase", "medspa_speed_to_lead_seconds", "medspa_processing_seconds",
		"medspa_actors_active", "medspa_actors_passivated_total", "medspa_inflight_messages", "medspa_jetstream_pending",
		"medspa_outbox_backlog", "medspa_outbox_oldest_seconds", "medspa_dead_letters_total", "medspa_webhooks_total",
		"medspa_payment_commands_total", "medspa_quiet_hours_deferrals_total", "medspa_opt_outs_total",
	} {
		if !shown[want] {
			t.Errorf("no panel shows %s", want)
		}
	}
}
