package gateway_test

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/medspa/engine/gateway"
)

// Every route is in the OpenAPI document and everything documented is
// routed.
func TestOpenAPIMatchesRouter(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(gateway.OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options":
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	routes, ok := gateway.NewServer(gateway.Config{}).(chi.Routes)
	if !ok {
		t.Fatal("the server is not a chi router")
	}
	routed := map[string]bool{}
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routed[method+" "+strings.TrimSuffix(route, "/")] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var missing, extra []string
	for r := range routed {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for r := range documented {
		if !routed[r] {
			extra = append(extra, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routed but not in gateway/openapi.json: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("in gateway/openapi.json but not routed: %v", extra)
	}
	if len(routed) < 15 {
		t.Errorf("walked only %d routes", len(routed))
	}
}

func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	res := e.get("/openapi.json", "")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json" || string(body) != string(gateway.OpenAPI()) {
		t.Errorf("GET /openapi.json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestInboxServed(t *testing.T) {
	e := newEnv(t, withPublisher(failingPublisher{}))
	for path, want := range map[string]struct{ ctype, contains string }{
		"/inbox":           {"text/html; charset=utf-8", `<label for="token">`},
		"/inbox/app.js":    {"text/javascript; charset=utf-8", "new EventSource("},
		"/inbox/inbox.css": {"text/css; charset=utf-8", ":focus-visible"},
	} {
		res := e.get(path, "")
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != want.ctype || !strings.Contains(string(body), want.contains) {
			t.Errorf("GET %s: %d %q", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", path, csp)
		}
	}
	wantStatus(t, e.get("/inbox/secret.txt", ""), http.StatusNotFound)
}
