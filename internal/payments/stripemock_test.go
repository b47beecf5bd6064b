package payments_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// stripeMock is one stripe-mock process shared by the package's tests.
var stripeMock struct {
	once sync.Once
	url  string
	err  error
	cmd  *exec.Cmd
}

// stripeMockURL starts stripe-mock on a free port (once) and returns its
// base URL. Without the binary the test is skipped, unless CI=true: in CI a
// missing stripe-mock fails the run.
func stripeMockURL(t *testing.T) string {
	t.Helper()
	stripeMock.once.Do(func() { stripeMock.url, stripeMock.err = startStripeMock() })
	if stripeMock.err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("stripe-mock: %v", stripeMock.err)
		}
		t.Skipf("stripe-mock not available (go install github.com/stripe/stripe-mock@v0.203.0): %v", stripeMock.err)
	}
	return stripeMock.url
}

func stopStripeMock() {
	if stripeMock.cmd != nil {
		_ = stripeMock.cmd.Process.Kill()
		_ = stripeMock.cmd.Wait()
	}
}

func findStripeMock() (string, error) {
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	gopath, err := exec.Command("go", "env", "GOPATH").Output()
	if err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(gopath))) {
			p := filepath.Join(dir, "bin", "stripe-mock")
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("stripe-mock is neither on PATH nor in $GOPATH/bin")
}

func startStripeMock() (string, error) {
	bin, err := findStripeMock()
	if err != nil {
		return "", err
	}
	for try := 0; try < 3; try++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		addr := l.Addr().String()
		l.Close()
		cmd := exec.Command(bin, "-http-addr", addr)
		out, err := cmd.StdoutPipe()
		if err != nil {
			return "", err
		}
		cmd.Stderr = cmd.Stdout
		if err := cmd.Start(); err != nil {
			return "", fmt.Errorf("start %s: %w", bin, err)
		}
		ready := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(out)
			ok := false
			for sc.Scan() {
				if strings.Contains(sc.Text(), "Listening for HTTP") {
					ok = true
					break
				}
			}
			ready <- ok
			for sc.Scan() { // keep the pipe drained until the process ends
			}
		}()
		select {
		case ok := <-ready:
			if ok {
				stripeMock.cmd = cmd
				return "http://" + addr, nil
			}
		case <-time.After(20 * time.Second):
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	return "", fmt.Errorf("stripe-mock did not start")
}
