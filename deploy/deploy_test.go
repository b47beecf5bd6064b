// Package deploy holds the container image, compose and monitoring files.
// No container engine runs in CI, so this test validates them by parsing.
package deploy

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestComposeFileParses(t *testing.T) {
	b, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Image       string         `yaml:"image"`
			Build       map[string]any `yaml:"build"`
			Command     []string       `yaml:"command"`
			Environment map[string]any `yaml:"environment"`
			DependsOn   any            `yaml:"depends_on"`
			Ports       []string       `yaml:"ports"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, want := range []string{"nats-1", "nats-2", "nats-3", "postgres", "gateway-1", "gateway-2", "engine-1", "engine-2", "engine-3", "sender", "prometheus"} {
		if _, ok := c.Services[want]; !ok {
			t.Errorf("service %q missing", want)
		}
	}
	roles := map[string]bool{"serve": true, "gateway": true, "engine": true, "sender": true, "migrate": true}
	for name, s := range c.Services {
		if s.Image == "" && s.Build == nil {
			t.Errorf("service %q has neither image nor build", name)
		}
		if s.Build != nil && (len(s.Command) != 1 || !roles[s.Command[0]]) {
			t.Errorf("service %q runs %v, not a medspa role", name, s.Command)
		}
		var deps []string
		switch d := s.DependsOn.(type) {
		case []any:
			for _, v := range d {
				name, _ := v.(string)
				deps = append(deps, name)
			}
		case map[string]any:
			for name := range d {
				deps = append(deps, name)
			}
		}
		for _, d := range deps {
			if _, ok := c.Services[d]; !ok {
				t.Errorf("service %q depends on unknown %q", name, d)
			}
		}
		if s.Build != nil && s.Environment["NATS_URL"] == nil {
			t.Errorf("service %q has no NATS_URL", name)
		}
		if s.Build != nil && (s.Environment["NATS_USER"] == nil || s.Environment["NATS_PASSWORD"] == nil) {
			t.Errorf("service %q connects to NATS without NATS_USER and NATS_PASSWORD", name)
		}
	}
	// The NATS servers' users, TLS and ports: nats_test.go.
}

func TestDockerfileIsMultiStageAndNonRoot(t *testing.T) {
	f, err := os.Open("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var froms int
	var user, entry string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(word) {
		case "FROM":
			froms++
		case "USER":
			user = rest
		case "ENTRYPOINT":
			entry = rest
		case "RUN", "COPY", "WORKDIR", "ENV", "EXPOSE", "CMD", "ARG", "LABEL":
		default:
			t.Errorf("unknown Dockerfile instruction %q", word)
		}
	}
	if froms < 2 {
		t.Errorf("want a multi-stage build, got %d FROM", froms)
	}
	if user == "" || strings.HasPrefix(user, "root") || strings.HasPrefix(user, "0") {
		t.Errorf("final image must run as non-root, USER is %q", user)
	}
	if !strings.Contains(entry, "/medspa") {
		t.Errorf("ENTRYPOINT %q does not run the medspa binary", entry)
	}
}

func TestPrometheusConfigParses(t *testing.T) {
	b, err := os.ReadFile("prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.ScrapeConfigs) == 0 || len(p.ScrapeConfigs[0].StaticConfigs) == 0 {
		t.Fatal("no scrape targets")
	}
}
