package conversation

import (
	"go/parser"
	gotoken "go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCoreImportsNoAdapters keeps the pure core free of adapter libraries.
func TestCoreImportsNoAdapters(t *testing.T) {
	forbidden := []string{
		"github.com/nats-io/", "github.com/jackc/", "github.com/go-chi/", "github.com/asynkron/",
		"github.com/stripe/", "github.com/prometheus/", "modernc.org/", "net/http", "database/sql", "log/slog",
	}
	for _, dir := range []string{".", "../clinic", "../phone", "../timeparse"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(gotoken.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, bad := range forbidden {
					if strings.HasPrefix(p, bad) {
						t.Errorf("%s imports %s", f, p)
					}
				}
			}
		}
	}
}
