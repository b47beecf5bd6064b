package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
)

func TestHTTPAddr(t *testing.T) {
	cfg := app.Defaults()
	require.Equal(t, "127.0.0.1:8080", cfg.HTTPAddr(), "development (embedded) mode listens on loopback only")
	cfg.NATSURL = "nats://nats:4222"
	require.Equal(t, ":8080", cfg.HTTPAddr(), "a deployment listens on every interface")
	cfg.HTTPListen = "10.0.0.5:9000"
	require.Equal(t, "10.0.0.5:9000", cfg.HTTPAddr())
}

// syncWriter is a log sink safe for concurrent use.
type syncWriter struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// `medspa serve` with no setting listens on the loopback interface only.
func TestEmbeddedModeListensOnLoopback(t *testing.T) {
	cfg := app.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Port = 0        // any free port
	cfg.NATSListen = "" // the embedded NATS server takes no outside clients
	cfg.Partitions = 2
	logs := &syncWriter{}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, cfg, app.Options{Roles: app.All, Console: io.Discard, Now: testClock(t).Now,
			Logger: slog.New(slog.NewJSONHandler(logs, nil)), Started: func() { close(started) }})
	}()
	select {
	case <-started:
	case err := <-done:
		cancel()
		t.Fatalf("did not start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("did not start in 30s")
	}
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Logf("stopped: %v", err) // stopped at once after the start; not what this test is about
			}
		case <-time.After(30 * time.Second):
			t.Error("did not stop in 30s")
		}
	}()
	var addr string
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line struct {
			Msg  string `json:"msg"`
			HTTP string `json:"http"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "medspa running" {
			addr = line.HTTP
		}
	}
	host, _, err := net.SplitHostPort(addr)
	require.NoError(t, err, "no listening address logged: %s", logs.String())
	require.True(t, net.ParseIP(host).IsLoopback(), "the HTTP server listens on %s, want the loopback interface", addr)
}
