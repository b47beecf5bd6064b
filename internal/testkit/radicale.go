package testkit

import (
	"context"
	"fmt"
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

// Radicale is a real CalDAV server (Debian's radicale) started for one
// test on a random loopback port, with its own storage folder and one user
// (plain htpasswd).
type Radicale struct {
	t        testing.TB
	dir      string
	port     int
	cmd      *exec.Cmd
	exited   chan struct{}
	User     string
	Password string
}

// StartRadicale starts radicale and waits until it answers; it is stopped
// when the test ends. Without radicale on PATH the test is skipped, or
// fails when CI=true.
func StartRadicale(t testing.TB) *Radicale {
	t.Helper()
	if _, err := exec.LookPath("radicale"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("radicale is not installed (apt-get install radicale): %v", err)
		}
		t.Skip("radicale is not installed (apt-get install radicale); CI=true makes this a failure")
	}
	r := &Radicale{t: t, dir: t.TempDir(), User: "clinic", Password: "s3cret-" + strconv.Itoa(os.Getpid())}
	if err := os.WriteFile(filepath.Join(r.dir, "users"), []byte(r.User+":"+r.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if r.port, err = freePort(); err != nil {
			continue
		}
		if err = r.Start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("radicale: %v", err)
	}
	t.Cleanup(r.Stop)
	return r
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the server's base URL.
func (r *Radicale) URL() string { return "http://127.0.0.1:" + strconv.Itoa(r.port) }

// Start starts the server (again, after Stop: same port, same storage) and
// waits until it answers.
func (r *Radicale) Start() error {
	conf := fmt.Sprintf(`[server]
hosts = 127.0.0.1:%d
[auth]
type = htpasswd
htpasswd_filename = %s
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = %s
[logging]
level = error
`, r.port, filepath.Join(r.dir, "users"), filepath.Join(r.dir, "collections"))
	cfg := filepath.Join(r.dir, "config")
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		return err
	}
	cmd := exec.Command("radicale", "--config", cfg)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start radicale: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	r.cmd, r.exited = cmd, exited
	waited := clock.Start()
	for waited.Within(20 * time.Second) {
		select {
		case <-exited:
			return fmt.Errorf("radicale exited on start (port %d)", r.port)
		default:
		}
		resp, err := http.Get(r.URL() + "/.web/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.Stop()
	return fmt.Errorf("radicale did not answer on port %d", r.port)
}

// Stop stops the server (its storage stays for a later Start).
func (r *Radicale) Stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.exited
	r.cmd = nil
}

// Calendar creates a calendar collection of the user and returns its URL.
func (r *Radicale) Calendar(name string) string {
	r.t.Helper()
	u := r.URL() + "/" + r.User + "/" + name + "/"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "MKCALENDAR", u, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	req.SetBasicAuth(r.User, r.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatalf("mkcalendar: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		r.t.Fatalf("mkcalendar %s: %s", u, resp.Status)
	}
	return u
}
