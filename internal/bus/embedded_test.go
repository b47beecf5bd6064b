package bus_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/medspa/engine/internal/bus"
)

// When NATS_LISTEN's port is taken (here by a plain listener, on this
// machine often by another NATS on 4222), the embedded server listens on a
// free port of the same host, records it for the operator commands, and
// takes clients there.
func TestEmbeddedListensElsewhereWhenThePortIsTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	addrFile := filepath.Join(dir, "nats-address")
	e, err := bus.StartEmbedded(bus.EmbeddedOptions{StoreDir: filepath.Join(dir, "js"), Listen: taken.Addr().String(), AddressFile: addrFile})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Shutdown()
	if e.Listening == "" || e.Listening == taken.Addr().String() || !strings.HasPrefix(e.Listening, "127.0.0.1:") {
		t.Fatalf("listening on %q with %s taken", e.Listening, taken.Addr())
	}
	rec, err := os.ReadFile(addrFile)
	if err != nil || strings.TrimSpace(string(rec)) != e.Listening {
		t.Errorf("recorded address %q, %v; want %q", rec, err, e.Listening)
	}
	nc, err := nats.Connect("nats://" + e.Listening)
	if err != nil {
		t.Fatalf("connect to %s: %v", e.Listening, err)
	}
	nc.Close()
}
