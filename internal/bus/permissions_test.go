package bus_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/messages"
)

// roleConn connects to e's client port as role; every asynchronous error
// (a permission violation above all) fails the test.
func roleConn(t *testing.T, e *bus.Embedded, role string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := bus.Dial("nats://"+e.Listening, role, bus.Client{User: role, Password: testPasswords[role], Role: role},
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { t.Errorf("%s: %v", role, err) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// Each role's user does its whole job against what ops set up, every
// publish acknowledged and no permission refused: the gateway publishes
// inbound work and keeps stream tickets; the engine pulls a partition,
// acks, publishes commands, events, timers, staff notes and dead letters,
// answers requests, keeps its heartbeat and reads the pending counts; the
// sender pulls both command consumers, publishes receipts, payment results
// and dead letters; watch reads the events.
func TestRolesDoTheirJobs(t *testing.T) {
	e := startAuthEmbedded(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	topo := bus.DefaultTopology()
	topo.Partitions = 1
	_, opsJS := roleConn(t, e, bus.RoleOps)
	if err := bus.EnsureStreams(ctx, opsJS, topo); err != nil {
		t.Fatal(err)
	}
	for _, kv := range []jetstream.KeyValueConfig{bus.NodesBucketConfig(bus.MembershipConfig{}), gateway.TicketsBucketConfig(1)} {
		if _, err := bus.EnsureKeyValue(ctx, opsJS, kv); err != nil {
			t.Fatal(err)
		}
	}
	for _, role := range []string{bus.RoleGateway, bus.RoleEngine, bus.RoleSender} {
		_, js := roleConn(t, e, role)
		if err := bus.EnsureStreams(ctx, js, topo); err != nil {
			t.Fatalf("%s looks the streams up: %v", role, err)
		}
	}
	watchNC, _ := roleConn(t, e, bus.RoleWatch)
	events, err := watchNC.SubscribeSync("medspa.evt.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := watchNC.Flush(); err != nil {
		t.Fatal(err)
	}

	// gateway
	gwNC, gwJS := roleConn(t, e, bus.RoleGateway)
	gw := bus.Publisher{JS: gwJS}
	for _, k := range []messages.Kind{messages.KindSMS, messages.KindReceipt, messages.KindMissed, messages.KindWebLead, messages.KindPayment, messages.KindStaff} {
		if err := gw.Publish(ctx, messages.InboundSubject("c1", "ld_1", k), "gw-"+string(k), []byte("{}"), time.Time{}); err != nil {
			t.Fatalf("gateway publishes %s: %v", k, err)
		}
	}
	tickets, err := gateway.OpenNATSTickets(ctx, gwJS, 1)
	if err == nil {
		err = tickets.Put(ctx, "k1", gateway.StreamTicket{ClinicID: "c1", Expires: time.Now().Add(time.Minute)})
	}
	if err == nil {
		_, err = tickets.Take(ctx, "k1")
	}
	if err != nil {
		t.Fatalf("gateway's tickets: %v", err)
	}

	// engine
	engNC, engJS := roleConn(t, e, bus.RoleEngine)
	rpc, err := engNC.Subscribe(messages.LiveStateSubject("*", "*"), func(m *nats.Msg) { _ = m.Respond([]byte("state")) })
	if err != nil {
		t.Fatal(err)
	}
	defer rpc.Unsubscribe()
	if err := engNC.Flush(); err != nil {
		t.Fatal(err)
	}
	cons, err := engJS.Consumer(ctx, messages.StreamInbound, messages.PartitionConsumer(0))
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(6, jetstream.FetchMaxWait(5*time.Second), jetstream.FetchPriorityGroup(bus.PriorityGroup))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for m := range batch.Messages() {
		if err := m.DoubleAck(ctx); err != nil {
			t.Fatalf("engine acks: %v", err)
		}
		n++
	}
	if n != 6 {
		t.Fatalf("engine got %d inbound messages, want 6 (%v)", n, batch.Error())
	}
	st, err := engJS.Stream(ctx, messages.StreamInbound)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UnpinConsumer(ctx, messages.PartitionConsumer(0), bus.PriorityGroup); err != nil {
		t.Fatalf("engine hands the partition over: %v", err)
	}
	eng := bus.Publisher{JS: engJS}
	for subject, id := range map[string]string{
		messages.InboundSubject("c1", "ld_1", messages.KindTimer): "t1",
		messages.InboundSubject("c1", "ld_1", messages.KindStaff): "s1",
		messages.SendSubject("c1", "ld_1"):                        "cmd1",
		messages.SubjectPaymentCmd + ".c1.ld_1":                   "pay1",
		messages.EventSubject("c1", "ld_1", "phase.changed"):      "ev1",
	} {
		if err := eng.Publish(ctx, subject, id, []byte("{}"), time.Time{}); err != nil {
			t.Fatalf("engine publishes %s: %v", subject, err)
		}
	}
	if _, err := bus.PublishDeadLetter(ctx, engJS, messages.DeadLetter{Source: "inbound"}); err != nil {
		t.Fatalf("engine dead-letters: %v", err)
	}
	if err := bus.NewPendingCollector(engJS, nil, nil).Poll(ctx); err != nil {
		t.Fatalf("engine reads pending counts: %v", err)
	}
	m, err := bus.OpenMembership(ctx, engJS, bus.MembershipConfig{NodeID: "n1"})
	if err != nil {
		t.Fatal(err)
	}
	mctx, mcancel := context.WithCancel(ctx)
	joined := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- m.Run(mctx, func(members []string) {
			if slices.Contains(members, "n1") {
				select {
				case <-joined:
				default:
					close(joined)
				}
			}
		})
	}()
	select {
	case <-joined:
	case <-ctx.Done():
		t.Fatal("the engine's heartbeat never showed in the nodes bucket")
	}
	mcancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if msg, err := gwNC.Request(messages.LiveStateSubject("c1", "ld_1"), nil, 5*time.Second); err != nil || string(msg.Data) != "state" {
		t.Fatalf("gateway asks the engine: %v", err)
	}

	// sender
	_, sndJS := roleConn(t, e, bus.RoleSender)
	for _, name := range []string{bus.SenderConsumer, bus.PaymentsConsumer} {
		c, err := sndJS.Consumer(ctx, messages.StreamOutbound, name)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := c.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			t.Fatalf("sender pulls %s: %v", name, err)
		}
		if err := msg.DoubleAck(ctx); err != nil {
			t.Fatalf("sender acks %s: %v", name, err)
		}
	}
	snd := bus.Publisher{JS: sndJS}
	for _, k := range []messages.Kind{messages.KindReceipt, messages.KindPayment} {
		if err := snd.Publish(ctx, messages.InboundSubject("c1", "ld_1", k), "snd-"+string(k), []byte("{}"), time.Time{}); err != nil {
			t.Fatalf("sender publishes %s: %v", k, err)
		}
	}
	for _, src := range []string{"sms", "payment"} {
		if _, err := bus.PublishDeadLetter(ctx, sndJS, messages.DeadLetter{Source: src}); err != nil {
			t.Fatalf("sender dead-letters %s: %v", src, err)
		}
	}

	// watch
	ev, err := events.NextMsg(10 * time.Second)
	if err != nil || ev.Subject != messages.EventSubject("c1", "ld_1", "phase.changed") {
		t.Fatalf("watch reads the event: %v", err)
	}
}

// Client TLS: bus.Dial reaches a server that requires TLS with the CA of
// its certificate (NATS_CA_FILE), is refused without it, and refuses a
// client certificate without its key before dialling.
func TestDialOverTLS(t *testing.T) {
	dir := t.TempDir()
	caFile, certFile, keyFile := writeTestCerts(t, dir)
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoSigs: true, NoLog: true,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, TLS: true,
		Users: bus.RoleUsers(testPasswords)})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats not ready")
	}
	t.Cleanup(ns.Shutdown)
	url := "tls://" + net.JoinHostPort("localhost", strings.TrimPrefix(ns.ClientURL()[strings.LastIndex(ns.ClientURL(), ":"):], ":"))

	client := bus.Client{User: bus.RoleWatch, Password: testPasswords[bus.RoleWatch], TLS: bus.ClientTLS{CAFile: caFile}}
	nc, err := bus.Dial(url, "tls", client, nats.MaxReconnects(0))
	if err != nil {
		t.Fatalf("dial with the CA: %v", err)
	}
	if st, err := nc.TLSConnectionState(); err != nil || !st.HandshakeComplete {
		t.Errorf("not over TLS: %v", err)
	}
	nc.Close()

	client.TLS = bus.ClientTLS{}
	if nc, err := bus.Dial(url, "plain", client, nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Error("connected without the CA of the server's certificate")
	}
	for _, partial := range []bus.ClientTLS{{CAFile: caFile, CertFile: certFile}, {KeyFile: keyFile}} {
		client.TLS = partial
		if _, err := bus.Dial(url, "partial", client); err == nil || !strings.Contains(err.Error(), "NATS_CERT_FILE and NATS_KEY_FILE") {
			t.Errorf("%+v: %v, want the partial setting refused", partial, err)
		}
	}
}

// writeTestCerts writes a CA and a server certificate for localhost.
func writeTestCerts(t *testing.T, dir string) (caFile, certFile, keyFile string) {
	t.Helper()
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("server.pem", "CERTIFICATE", der), write("server-key.pem", "EC PRIVATE KEY", kb)
}

// EnsureStreams changes nothing that is as expected, so a role starts
// against what ops set up; a stream that differs from this version's
// (here: more partitions) stops a role with ErrStreamsMissing naming the
// difference, and ops updates it.
func TestEnsureStreamsLooksUpFirst(t *testing.T) {
	e := startAuthEmbedded(t)
	ctx := context.Background()
	_, opsJS := roleConn(t, e, bus.RoleOps)
	topo := bus.DefaultTopology()
	topo.Partitions = 2
	if err := bus.EnsureStreams(ctx, opsJS, topo); err != nil {
		t.Fatal(err)
	}
	st, err := opsJS.Stream(ctx, messages.StreamInbound)
	if err != nil {
		t.Fatal(err)
	}
	created := st.CachedInfo().Created

	nc, err := bus.Dial("nats://"+e.Listening, "engine", bus.Client{User: bus.RoleEngine, Password: testPasswords[bus.RoleEngine], Role: bus.RoleEngine})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	engJS, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.EnsureStreams(ctx, engJS, topo); err != nil {
		t.Fatalf("the engine starts against ops's streams: %v", err)
	}
	topo.Partitions = 3
	err = bus.EnsureStreams(ctx, engJS, topo)
	if !errors.Is(err, bus.ErrStreamsMissing) || !strings.Contains(err.Error(), "subject transform") || !strings.Contains(err.Error(), "medspa migrate") {
		t.Fatalf("a stream that differs: %v", err)
	}
	if err := bus.EnsureStreams(ctx, opsJS, topo); err != nil {
		t.Fatalf("ops updates it: %v", err)
	}
	if err := bus.EnsureStreams(ctx, engJS, topo); err != nil {
		t.Fatalf("then the engine starts: %v", err)
	}
	st, err = opsJS.Stream(ctx, messages.StreamInbound)
	if err != nil {
		t.Fatal(err)
	}
	if !st.CachedInfo().Created.Equal(created) || st.CachedInfo().Config.SubjectTransform.Destination != messages.PartitionTransform(3) {
		t.Error("the stream was not updated in place")
	}
}
