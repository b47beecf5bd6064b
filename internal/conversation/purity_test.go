package conversation

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corePackages are the pure core: they, and every package of ours or of a
// third party they import, directly or not, do no I/O, read no clock and
// know no adapter.
var corePackages = []string{"./", "../understand", "../compliance", "../clinic", "../timeparse", "../phone"}

// ioImports may not be imported by a package of the core's closure that is
// not part of the standard library (the standard library's own fmt imports
// os, which is why the rule is on our and third-party packages).
var ioImports = map[string]bool{
	"os": true, "os/exec": true, "os/signal": true, "net": true, "net/http": true, "database/sql": true,
	"io/ioutil": true, "log": true, "log/slog": true, "syscall": true, "plugin": true,
}

// adapters may not be anywhere in the core's closure.
var adapters = []string{
	"net/http", "database/sql", "github.com/medspa/engine/internal/bus", "github.com/medspa/engine/persistence",
	"github.com/medspa/engine/actors", "github.com/medspa/engine/gateway", "github.com/nats-io/", "github.com/jackc/",
	"github.com/asynkron/", "github.com/go-chi/", "github.com/stripe/", "github.com/prometheus/", "modernc.org/",
}

// clockCalls are the functions of package time that read the wall clock
// or wait on it.
var clockCalls = map[string]bool{
	"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true, "AfterFunc": true,
	"Tick": true, "NewTimer": true, "NewTicker": true,
}

type listedPackage struct {
	ImportPath string
	Dir        string
	Standard   bool
	Module     *struct{ Path string }
	GoFiles    []string
	Imports    []string
}

// TestCoreIsPure walks the core's packages and everything they import
// (go list -deps) and fails on an import of I/O or of an adapter, and on a
// call that reads the clock, in any package of this module in the closure.
func TestCoreIsPure(t *testing.T) {
	out, err := exec.Command("go", append([]string{"list", "-deps", "-json"}, corePackages...)...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	ours := 0
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		for _, bad := range adapters {
			if p.ImportPath == bad || strings.HasPrefix(p.ImportPath, bad) && strings.HasSuffix(bad, "/") ||
				strings.HasPrefix(p.ImportPath, bad+"/") {
				t.Errorf("the core depends on adapter %s", p.ImportPath)
			}
		}
		if p.Standard {
			continue
		}
		for _, imp := range p.Imports {
			if ioImports[imp] {
				t.Errorf("%s imports %s", p.ImportPath, imp)
			}
		}
		if p.Module == nil || p.Module.Path != "github.com/medspa/engine" {
			continue
		}
		ours++
		for _, f := range p.GoFiles {
			clockReads(t, filepath.Join(p.Dir, f))
		}
	}
	if ours < len(corePackages) {
		t.Fatalf("walked %d packages of the module, want at least %d", ours, len(corePackages))
	}
}

// clockReads reports every call of time.Now and its kin in one file,
// whatever name the file gives package time.
func clockReads(t *testing.T, path string) {
	t.Helper()
	fset := gotoken.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	name := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
			name = "time"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	if name == "" {
		return
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == name && clockCalls[sel.Sel.Name] {
			t.Errorf("%s: time.%s reads the clock", fset.Position(sel.Pos()), sel.Sel.Name)
		}
		return true
	})
}
