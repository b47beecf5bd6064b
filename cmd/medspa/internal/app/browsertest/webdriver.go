// Package browsertest drives a headless Chromium through chromedriver's W3C
// WebDriver HTTP API, with net/http only.
package browsertest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/medspa/engine/internal/clock"
)

// Where the Debian packages chromium and chromium-driver install.
const (
	Chromium     = "/usr/bin/chromium"
	Chromedriver = "/usr/bin/chromedriver"
)

// elementKey is the W3C name of an element reference.
const elementKey = "element-6066-11e4-a52e-4f735466cecf"

// Session is one browser session.
type Session struct {
	t      testing.TB
	base   string // http://127.0.0.1:<port>/session/<id>
	client *http.Client
}

// Require skips the test when Chromium or chromedriver is missing, and
// fails it instead when ci is true (CI installs them).
func Require(t testing.TB, ci bool) {
	t.Helper()
	for _, p := range []string{Chromium, Chromedriver} {
		if _, err := os.Stat(p); err != nil {
			if ci {
				t.Fatalf("%s is missing (apt-get install chromium chromium-driver): %v", p, err)
			}
			t.Skipf("%s is missing; install chromium and chromium-driver to run the browser test", p)
		}
	}
}

// Start runs chromedriver on a free port and opens a headless session with
// a fresh profile; both end with the test.
func Start(t testing.TB) *Session {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(Chromedriver, "--port="+strconv.Itoa(port))
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromedriver: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	root := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Timeout: 60 * time.Second}
	waited := clock.Start()
	for {
		res, err := client.Get(root + "/status")
		if err == nil {
			var st struct{ Value struct{ Ready bool } }
			_ = json.NewDecoder(res.Body).Decode(&st)
			res.Body.Close()
			if st.Value.Ready {
				break
			}
		}
		if !waited.Within(20 * time.Second) {
			t.Fatalf("chromedriver not ready: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": Chromium,
			"args": []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir()},
		},
	}}}
	s := &Session{t: t, base: root, client: client}
	var created struct{ SessionID string }
	s.call(http.MethodPost, "/session", caps, &created)
	if created.SessionID == "" {
		t.Fatalf("no session id\n%s", logs.String())
	}
	s.base = root + "/session/" + created.SessionID
	t.Cleanup(func() { s.call(http.MethodDelete, "", nil, nil) })
	return s
}

// call sends one WebDriver command and decodes its "value" into out,
// failing the test on an error.
func (s *Session) call(method, path string, body, out any) {
	s.t.Helper()
	if err := s.do(method, path, body, out); err != nil {
		s.t.Fatal(err)
	}
}

// errStale is an element replaced since it was found.
var errStale = errors.New("stale element reference")

// do sends one WebDriver command and decodes its "value" into out.
func (s *Session) do(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("webdriver %s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		var e struct{ Value struct{ Error string } }
		if json.Unmarshal(raw, &e) == nil && e.Value.Error == errStale.Error() {
			return fmt.Errorf("webdriver %s %s: %w", method, path, errStale)
		}
		return fmt.Errorf("webdriver %s %s: %d %s", method, path, res.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	var env struct{ Value json.RawMessage }
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("webdriver %s %s: %v", method, path, err)
	}
	if err := json.Unmarshal(env.Value, out); err != nil {
		return fmt.Errorf("webdriver %s %s value %s: %v", method, path, env.Value, err)
	}
	return nil
}

// Open navigates to url.
func (s *Session) Open(url string) {
	s.t.Helper()
	s.call(http.MethodPost, "/url", map[string]string{"url": url}, nil)
}

// Find returns the element that css selects, failing the test if none.
func (s *Session) Find(css string) string {
	s.t.Helper()
	var el map[string]string
	s.call(http.MethodPost, "/element", map[string]string{"using": "css selector", "value": css}, &el)
	return el[elementKey]
}

// Type types text into the element css selects.
func (s *Session) Type(css, text string) {
	s.t.Helper()
	s.onElement(css, "/value", map[string]string{"text": text})
}

// Click clicks the element css selects.
func (s *Session) Click(css string) {
	s.t.Helper()
	s.onElement(css, "/click", map[string]any{})
}

// onElement sends a command to the element css selects, finding it again
// when the page replaced it in between (a live update redraws lists).
func (s *Session) onElement(css, command string, body any) {
	s.t.Helper()
	for attempt := 0; ; attempt++ {
		err := s.do(http.MethodPost, "/element/"+s.Find(css)+command, body, nil)
		if err == nil {
			return
		}
		if !errors.Is(err, errStale) || attempt == 20 {
			s.t.Fatal(err)
		}
	}
}

// Eval runs a script (a function body) in the page and returns its result
// as a string.
func (s *Session) Eval(script string, args ...any) string {
	s.t.Helper()
	if args == nil {
		args = []any{}
	}
	var v any
	s.call(http.MethodPost, "/execute/sync", map[string]any{"script": script, "args": args}, &v)
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// WaitFor polls a script until it returns want, failing after timeout with
// what it last returned.
func (s *Session) WaitFor(what, script, want string, timeout time.Duration) {
	s.t.Helper()
	waited := clock.Start()
	for {
		got := s.Eval(script)
		if got == want {
			return
		}
		if !waited.Within(timeout) {
			s.t.Fatalf("%s: got %q, want %q", what, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// EvalAsync runs an asynchronous script (a function body whose last
// argument is the callback to call with the result) and returns the
// result as a string.
func (s *Session) EvalAsync(script string, args ...any) string {
	s.t.Helper()
	if args == nil {
		args = []any{}
	}
	var v any
	s.call(http.MethodPost, "/execute/async", map[string]any{"script": script, "args": args}, &v)
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// Viewport makes the page width x height CSS pixels, as on a phone
// (Chrome DevTools device metrics, through chromedriver).
func (s *Session) Viewport(width, height int) {
	s.t.Helper()
	s.call(http.MethodPost, "/goog/cdp/execute", map[string]any{"cmd": "Emulation.setDeviceMetricsOverride",
		"params": map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}}, nil)
}

// Screenshot saves a PNG of the page in dir as name.png and returns its
// path.
func (s *Session) Screenshot(dir, name string) string {
	s.t.Helper()
	var b64 string
	s.call(http.MethodGet, "/screenshot", nil, &b64)
	png, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		s.t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// TimeZone makes the browser's own time zone zone (an IANA name).
func (s *Session) TimeZone(zone string) {
	s.t.Helper()
	s.call(http.MethodPost, "/goog/cdp/execute", map[string]any{"cmd": "Emulation.setTimezoneOverride",
		"params": map[string]any{"timezoneId": zone}}, nil)
}
