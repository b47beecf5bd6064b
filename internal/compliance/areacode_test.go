package compliance

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestAreaCodes(t *testing.T) {
	if len(areaCodes) < 330 {
		t.Fatalf("%d area codes, want every US one", len(areaCodes))
	}
	states := map[string]bool{}
	for c, ac := range areaCodes {
		if c[0] < '2' || c[1] == '9' || (c[1] == '1' && c[2] == '1') {
			t.Errorf("%s is not a geographic NANP area code", c)
		}
		if len(ac.Zones) == 0 {
			t.Errorf("%s has no zone", c)
		}
		states[ac.State] = true
	}
	// 50 states, DC and five territories.
	if len(states) != 56 {
		t.Errorf("%d states and territories, want 56", len(states))
	}
	for num, want := range map[string]string{
		"+12125550123": "NY", "(305) 555-0123": "FL", "1-405-555-0123": "OK", "4105550123": "MD",
		"+12065550123": "WA", "+15045550123": "LA", "+16015550123": "MS", "+17875550123": "PR",
	} {
		if ac, ok := lookupAreaCode(num); !ok || ac.State != want {
			t.Errorf("lookupAreaCode(%q) = %v, %v; want %s", num, ac.State, ok, want)
		}
	}
	for _, num := range []string{"+14165550123", "+447700900123", "12345", "", "+1800555012"} {
		if _, ok := lookupAreaCode(num); ok {
			t.Errorf("lookupAreaCode(%q) found a US area code", num)
		}
	}
	if _, err := parseAreaCodes("212\tNY\tNot/AZone\n"); err == nil {
		t.Error("bad zone accepted")
	}
	if _, err := parseAreaCodes("212\tNY\tAmerica/New_York\n212\tNY\tAmerica/New_York\n"); err == nil {
		t.Error("duplicate accepted")
	}
}

// TestImportsNoAdapters keeps the package pure.
func TestImportsNoAdapters(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(p, ".") && !strings.HasPrefix(p, "github.com/medspa/engine/messages") && !strings.HasPrefix(p, "github.com/medspa/engine/internal/phone") {
				t.Errorf("%s imports %s", f, p)
			}
			for _, bad := range []string{"net/", "database/", "log", "os"} {
				if p == bad || strings.HasPrefix(p, bad) {
					t.Errorf("%s imports %s", f, p)
				}
			}
		}
	}
}
