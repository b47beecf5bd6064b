package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/medspa/engine"

// coreInternal are the internal packages of the pure core: they import
// only messages and each other, never an adapter.
var coreInternal = map[string]bool{
	"internal/clinic":       true,
	"internal/clock":        true,
	"internal/compliance":   true,
	"internal/conversation": true,
	"internal/password":     true,
	"internal/phone":        true,
	"internal/safetext":     true,
	"internal/stage":        true,
	"internal/timeparse":    true,
	"internal/understand":   true,
	"internal/wait":         true,
}

const (
	layerCore = iota
	layerAdapter
	layerEdge // actors, gateway
	layerRoot // cmd/medspa/internal/*
	layerCmd  // cmd/*, deploy
)

var layerNames = []string{"core", "adapter", "actors/gateway", "cmd/medspa/internal", "cmd"}

// layer places a package of the module (path relative to the module) in
// its layer; ok is false for a package the rules do not know.
func layer(rel string) (int, bool) {
	under := func(p string) bool { return rel == p || strings.HasPrefix(rel, p+"/") }
	switch {
	case under("messages"), coreInternal[rel]:
		return layerCore, true
	case under("internal"), under("persistence"):
		return layerAdapter, true
	case under("actors"), under("gateway"):
		return layerEdge, true
	case strings.HasPrefix(rel, "cmd/") && strings.Contains(rel+"/", "/internal/"):
		return layerRoot, true
	case under("cmd"), under("deploy"):
		return layerCmd, true
	}
	return 0, false
}

type pkg struct {
	ImportPath string
	Module     *struct{ Path string }
	Imports    []string
}

// moduleRoot is the directory of go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// packages lists every package of the module with its (non-test) imports.
func packages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-deps", "-json", "./...")
	cmd.Dir = moduleRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		if p.Module != nil && p.Module.Path == module {
			pkgs = append(pkgs, p)
		}
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no package of the module")
	}
	return pkgs
}

// TestImportsPointDown fails on every import from a package to a package
// of a higher layer, and on a package no rule places.
func TestImportsPointDown(t *testing.T) {
	var bad []string
	for _, p := range packages(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		from, ok := layer(rel)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s: in no layer; place it in layout_test.go", rel))
			continue
		}
		for _, imp := range p.Imports {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			irel := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			to, ok := layer(irel)
			if ok && to > from {
				bad = append(bad, fmt.Sprintf("%s (%s) imports %s (%s)", rel, layerNames[from], irel, layerNames[to]))
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
}

// TestLayerRules pins the rules themselves on examples, so that a change
// to layer() that lets an upward arrow through is seen.
func TestLayerRules(t *testing.T) {
	for rel, want := range map[string]int{
		"messages":                    layerCore,
		"internal/conversation":       layerCore,
		"internal/telnyx":             layerAdapter,
		"internal/bus":                layerAdapter,
		"persistence/postgres":        layerAdapter,
		"actors":                      layerEdge,
		"gateway":                     layerEdge,
		"cmd/medspa/internal/app":     layerRoot,
		"cmd/medspa/internal/leadsim": layerRoot,
		"cmd/medspa":                  layerCmd,
		"deploy":                      layerCmd,
	} {
		if got, ok := layer(rel); !ok || got != want {
			t.Errorf("layer(%q) = %d, %v; want %d", rel, got, ok, want)
		}
	}
}
