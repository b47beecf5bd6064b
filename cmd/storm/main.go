// Command storm is the engine's load generator: it plays the carrier for
// many simulated leads, receives the engine's replies on its own Telnyx API
// stub, verifies that none was lost, duplicated or out of order, and reports
// throughput, latency and the engine's memory.
//
//	go run ./cmd/storm --url http://127.0.0.1:8080 --rate 200 --duration 30s
//
// The engine must send through the stub:
// TELNYX_API_BASE_URL=http://127.0.0.1:18090 TELNYX_API_KEY=storm-key.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/medspa/engine/internal/storm"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "storm:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return storm.Main(ctx, args, getenv, stdout, stderr)
}
