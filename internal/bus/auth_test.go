package bus_test

import (
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/medspa/engine/internal/bus"
)

// testPasswords are a password per role.
var testPasswords = map[string]string{}

func init() {
	for _, role := range bus.Roles {
		testPasswords[role] = role + "-password-of-at-least-32-bytes!!!!!!"
	}
}

func startAuthEmbedded(t *testing.T) *bus.Embedded {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e, err := bus.StartEmbedded(bus.EmbeddedOptions{StoreDir: filepath.Join(t.TempDir(), "js"), Listen: addr,
		Passwords: testPasswords})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	return e
}

// With passwords the client port refuses a client that does not
// authenticate (a raw CONNECT {} then PUB medspa.cmd.sms... used to make
// the sender text a number) and one with a wrong password.
func TestEmbeddedRefusesUnauthenticatedClients(t *testing.T) {
	e := startAuthEmbedded(t)
	url := "nats://" + e.Listening
	for name, opts := range map[string][]nats.Option{
		"no credentials": nil,
		"wrong password": {nats.UserInfo(bus.RoleOps, "not-the-password")},
		"unknown user":   {nats.UserInfo("admin", testPasswords[bus.RoleOps])},
	} {
		opts = append(opts, nats.Timeout(2*time.Second), nats.MaxReconnects(0))
		nc, err := nats.Connect(url, opts...)
		if err == nil {
			nc.Close()
			t.Errorf("%s: connected", name)
		} else if !errors.Is(err, nats.ErrAuthorization) {
			t.Errorf("%s: %v, want an authorization violation", name, err)
		}
	}
	// The raw protocol too: CONNECT {} is answered with -ERR.
	c, err := net.Dial("tcp", e.Listening)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write([]byte("CONNECT {\"verbose\":false}\r\nPUB medspa.cmd.sms.c.l 2\r\nhi\r\nPING\r\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	var got []byte
	for {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	if !strings.Contains(string(got), "Authorization Violation") || strings.Contains(string(got), "PONG") {
		t.Errorf("raw CONNECT {} got %q, want an authorization violation and no PONG", got)
	}
	// Every role's user and the in-process connection get in.
	for _, role := range bus.Roles {
		nc, err := nats.Connect(url, nats.UserInfo(role, testPasswords[role]), nats.Timeout(2*time.Second))
		if err != nil {
			t.Fatalf("%s user: %v", role, err)
		}
		nc.Close()
	}
	ip, err := e.Connect("test")
	if err != nil {
		t.Fatalf("in-process: %v", err)
	}
	ip.Close()
}

// The watch user reads events and nothing else: it cannot publish a
// command or an inbound message, and cannot subscribe to commands.
func TestEmbeddedWatchUserOnlyReadsEvents(t *testing.T) {
	e := startAuthEmbedded(t)
	url := "nats://" + e.Listening
	engine, err := e.Connect("engine")
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close()
	errs := make(chan error, 10)
	watch, err := nats.Connect(url, nats.UserInfo(bus.RoleWatch, testPasswords[bus.RoleWatch]), nats.Timeout(2*time.Second),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs <- err }))
	if err != nil {
		t.Fatalf("watch user: %v", err)
	}
	defer watch.Close()

	events, err := watch.SubscribeSync("medspa.evt.>")
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := watch.SubscribeSync("medspa.cmd.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := watch.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := (<-errs); !errors.Is(err, nats.ErrPermissionViolation) {
		t.Errorf("subscribe to commands: %v, want a permission violation", err)
	}
	// Nothing the watch user publishes reaches anyone.
	seen, err := engine.SubscribeSync(">")
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, subj := range []string{"medspa.cmd.sms.c.l", "medspa.in.c.l", "medspa.evt.c.l.x"} {
		if err := watch.Publish(subj, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	_ = watch.Flush()
	if m, err := seen.NextMsg(300 * time.Millisecond); err == nil {
		t.Errorf("the watch user published %s", m.Subject)
	}
	select {
	case err := <-errs:
		if !errors.Is(err, nats.ErrPermissionViolation) {
			t.Errorf("publish: %v, want a permission violation", err)
		}
	case <-time.After(2 * time.Second):
		t.Error("publishing as watch raised no permission violation")
	}

	if err := engine.Publish("medspa.cmd.sms.c.l", []byte("cmd")); err != nil {
		t.Fatal(err)
	}
	if err := engine.Publish("medspa.evt.c.l.booked", []byte("evt")); err != nil {
		t.Fatal(err)
	}
	_ = engine.Flush()
	if m, err := events.NextMsg(2 * time.Second); err != nil || string(m.Data) != "evt" {
		t.Errorf("watch reads events: %v", err)
	}
	if m, err := cmds.NextMsg(300 * time.Millisecond); err == nil {
		t.Errorf("the watch user read a command on %s", m.Subject)
	}
}
