package clock_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// allowed are the directories (relative to the module root, with every
// directory below them but the binary's own packages under
// cmd/medspa/internal, which are checked unless named) whose non-test code
// may read the wall clock directly, and why. Keep it short.
var allowed = map[string]string{
	// The binary's commands, where the clock is made.
	"cmd": "the binary's commands",
	// The clock itself.
	"internal/clock": "the clock's own implementation",
	// The load generator drives a separately running engine over HTTP at
	// real rates and measures real latencies; it has no process clock to
	// share, and the webhooks it signs must carry the receiver's real time.
	"cmd/medspa/internal/storm": "load generator against a running engine",
	// Test support compiled as ordinary code: stand-ins for Telnyx and
	// Twilio (their stubs stamp what they receive as the real services
	// would, on their own clock) and the store contract suite, which checks
	// the stores' default clock against the real one.
	"internal/testkit":      "third-party service stubs for tests",
	"persistence/storetest": "store contract suite (test code)",
}

// exempt reports whether code in dir may read the wall clock: dir or a
// parent is allowed, but the binary's packages under cmd/medspa/internal
// (the composition root and its tools) are checked unless named themselves.
func exempt(dir string) bool {
	for d := dir; d != "." && d != "/"; d = path.Dir(d) {
		if _, ok := allowed[d]; ok {
			return true
		}
		if path.Dir(d) == "cmd/medspa/internal" {
			return false
		}
	}
	return false
}

// wallClock are the time functions that read the wall clock.
var wallClock = map[string]bool{"Now": true, "Since": true, "Until": true}

// TestNoWallClockBelowCmd keeps every time-dependent path on the injected
// clock: non-test code outside the allowed directories must not call
// time.Now, time.Since or time.Until (nor pass time.Now as a clock). Use the
// clock it was given, or clock.Start for a duration measured for metrics,
// logs or deadlines.
func TestNoWallClockBelowCmd(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" || d.Name() == "vendor" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || exempt(filepath.ToSlash(filepath.Dir(rel))) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		names := map[string]bool{}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
				name := "time"
				if imp.Name != nil {
					name = imp.Name.Name
				}
				names[name] = true
			}
		}
		if len(names) == 0 {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || !wallClock[sel.Sel.Name] {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && names[id.Name] {
				pos := fset.Position(sel.Pos())
				found = append(found, rel+":"+strconv.Itoa(pos.Line)+": time."+sel.Sel.Name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(found)
	for _, f := range found {
		t.Errorf("%s reads the wall clock: use the injected clock, or clock.Start for a measured duration", f)
	}
}
