package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence/pgtest"
)

// authNATS starts a NATS server that takes only the role users, each with
// its permissions (bus.RoleUsers), and returns its URL and the passwords.
func authNATS(t *testing.T) (string, map[string]string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	passwords := map[string]string{}
	for _, role := range bus.Roles {
		passwords[role] = role + "-password-of-at-least-32-bytes!!!!!!"
	}
	emb, err := bus.StartEmbedded(bus.EmbeddedOptions{StoreDir: filepath.Join(t.TempDir(), "js"), Listen: addr, Passwords: passwords})
	require.NoError(t, err)
	t.Cleanup(emb.Shutdown)
	require.Equal(t, addr, emb.Listening)
	return "nats://" + addr, passwords
}

// A split deployment against a NATS server with a user per role: a role
// cannot set up the streams (only ops can: `medspa migrate`); once ops has,
// the gateway, the engine and the sender run as separate processes, each
// with its own user and nothing more, and a lead's text gets its answer;
// the watch user sees the conversation's events.
func TestSplitRolesRunWithTheirOwnNATSUsers(t *testing.T) {
	url, passwords := authNATS(t)
	dbURL, _ := pgtest.NewSchemaURL(t)
	cfg, priv, tel := newConfig(t, dbURL)
	cfg.NATSURL = url
	cfg.NATSRolePasswords = passwords

	// Before migrate: a role's process refuses to start, saying why.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := app.Run(ctx, cfg, app.Options{Roles: app.Roles{Engine: true}})
	require.NoError(t, ctx.Err(), "the engine gave up by itself")
	require.ErrorIs(t, err, bus.ErrStreamsMissing)
	require.Contains(t, err.Error(), "medspa migrate")

	// migrate: the ops user sets up the streams and buckets.
	ops, err := bus.Dial(url, "migrate", app.NATSClient(cfg, bus.RoleOps))
	require.NoError(t, err)
	defer ops.Close()
	js, err := jetstream.New(ops)
	require.NoError(t, err)
	require.NoError(t, app.SetupBus(ctx, js, cfg))

	watch, err := nats.Connect(url, nats.UserInfo(bus.RoleWatch, passwords[bus.RoleWatch]))
	require.NoError(t, err)
	defer watch.Close()
	events, err := watch.SubscribeSync("medspa.evt.>")
	require.NoError(t, err)
	require.NoError(t, watch.Flush())

	logs := &lockedBuffer{}
	stopEngine := startRoleLogged(t, cfg, app.Roles{Engine: true}, logs)
	stopSender := startRoleLogged(t, cfg, app.Roles{Sender: true}, logs)
	gwURL, stopGateway := startRoleLoggedURL(t, cfg, app.Roles{Gateway: true}, logs)
	gw := &system{t: t, cfg: cfg, priv: priv, telnyx: tel, baseURL: gwURL, now: testClock(t).Now, client: &http.Client{Timeout: 10 * time.Second}}

	lead := "+13125550188"
	status, body := gw.sms("auth-split-1", lead, "Hi! How much is Botox?")
	require.Equal(t, http.StatusOK, status, body)
	got := tel.WaitFor(t, lead, 1, 20*time.Second)
	require.Len(t, got, 1)
	require.Contains(t, got[0].Text, "$12 per unit")

	// The watch user read the conversation's events.
	for {
		m, err := events.NextMsg(10 * time.Second)
		require.NoError(t, err, "the watch user sees the lead's events")
		if strings.HasPrefix(m.Subject, messages.SubjectEvents+"."+clinicID+".") && !strings.HasSuffix(m.Subject, "."+messages.EventSettingsChanged) {
			break
		}
	}

	// The staff surface of the gateway: a conversation's live state (a
	// request the engine answers), and a single-use stream ticket (the
	// tickets bucket) that opens the event stream once.
	authed := func(method, path string) *http.Response {
		req, err := http.NewRequest(method, gw.baseURL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+gw.token())
		res, err := gw.client.Do(req)
		require.NoError(t, err)
		return res
	}
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	res := authed(http.MethodGet, "/v1/clinics/"+clinicID+"/conversations")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NoError(t, json.NewDecoder(res.Body).Decode(&list))
	res.Body.Close()
	require.NotEmpty(t, list.Items)
	res = authed(http.MethodGet, "/v1/clinics/"+clinicID+"/conversations/"+list.Items[0].ID)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res.Body.Close()
	var ticket struct {
		Ticket string `json:"ticket"`
	}
	res = authed(http.MethodPost, "/v1/clinics/"+clinicID+"/events/ticket")
	require.Equal(t, http.StatusCreated, res.StatusCode)
	require.NoError(t, json.NewDecoder(res.Body).Decode(&ticket))
	res.Body.Close()
	openStream := func() int {
		sctx, scancel := context.WithCancel(context.Background())
		defer scancel()
		req, err := http.NewRequestWithContext(sctx, http.MethodGet, gw.baseURL+"/v1/clinics/"+clinicID+"/events?ticket="+ticket.Ticket, nil)
		require.NoError(t, err)
		res, err := gw.client.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		return res.StatusCode
	}
	require.Equal(t, http.StatusOK, openStream(), "the ticket opens the stream")
	require.Equal(t, http.StatusUnauthorized, openStream(), "once")

	// Every process stops cleanly (the engine hands its partitions back),
	// and none was refused anything on the way: each role's permissions
	// cover what it does.
	stopGateway()
	stopSender()
	stopEngine()
	require.Zero(t, logs.count(`"nats error"`), "a role's user was refused something")
}

// startRoleLogged runs roles as one process logging to logs; the returned
// function stops it.
func startRoleLogged(t *testing.T, cfg app.Config, roles app.Roles, logs *lockedBuffer) func() {
	_, stop := startRoleLoggedURL(t, cfg, roles, logs)
	return stop
}

func startRoleLoggedURL(t *testing.T, cfg app.Config, roles app.Roles, logs *lockedBuffer) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	started, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- app.Run(ctx, cfg, app.Options{Roles: roles, Listener: ln, Now: testClock(t).Now,
			Logger: slog.New(slog.NewJSONHandler(logs, nil)), Started: func() { close(started) }})
	}()
	select {
	case <-started:
	case err := <-done:
		cancel()
		t.Fatalf("%+v did not start: %v", roles, err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("%+v did not start in 30s", roles)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Errorf("%+v did not stop in 30s", roles)
			}
		})
	}
	t.Cleanup(stop)
	return "http://" + ln.Addr().String(), stop
}

// Each role's user is refused what its role does not need, with a
// permission violation from the server.
func TestRoleUsersAreRefusedWhatTheyDoNotNeed(t *testing.T) {
	url, passwords := authNATS(t)
	cfg := app.Defaults()
	cfg.NATSURL = url
	cfg.NATSRolePasswords = passwords
	connect := func(role string) (*nats.Conn, <-chan error) {
		errs := make(chan error, 16)
		nc, err := bus.Dial(url, role, app.NATSClient(cfg, role),
			nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs <- err }))
		require.NoError(t, err)
		t.Cleanup(nc.Close)
		return nc, errs
	}
	refused := func(role string, errs <-chan error, subject string) {
		t.Helper()
		for {
			select {
			case err := <-errs:
				require.True(t, errors.Is(err, nats.ErrPermissionViolation), "%s: %v", role, err)
				if strings.Contains(err.Error(), `"`+subject+`"`) {
					return
				}
				// Another refusal first: the watch user cannot even
				// subscribe to its reply inbox.
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: no permission violation for %s", role, subject)
			}
		}
	}
	publishRefused := func(role, subject string) {
		t.Helper()
		nc, errs := connect(role)
		require.NoError(t, nc.Publish(subject, []byte("x")))
		require.NoError(t, nc.Flush())
		refused(role, errs, subject)
	}
	subscribeRefused := func(role, subject string) {
		t.Helper()
		nc, errs := connect(role)
		_, err := nc.SubscribeSync(subject)
		require.NoError(t, err)
		require.NoError(t, nc.Flush())
		refused(role, errs, subject)
	}

	// Commands reach the sender only from the engine.
	publishRefused(bus.RoleGateway, messages.SendSubject("glow-chicago", "lead-1"))
	publishRefused(bus.RoleSender, messages.SendSubject("glow-chicago", "lead-1"))
	publishRefused(bus.RoleWatch, messages.SendSubject("glow-chicago", "lead-1"))
	// A lead's text enters only through the gateway (its signature checks).
	publishRefused(bus.RoleSender, messages.InboundSubject("glow-chicago", "lead-1", messages.KindSMS))
	publishRefused(bus.RoleEngine, messages.InboundSubject("glow-chicago", "lead-1", messages.KindSMS))
	publishRefused(bus.RoleWatch, messages.InboundSubject("glow-chicago", "lead-1", messages.KindSMS))
	// Timers come from the engine only; events from the engine (and a new
	// clinic's settings from the gateway).
	publishRefused(bus.RoleGateway, messages.InboundSubject("glow-chicago", "lead-1", messages.KindTimer))
	publishRefused(bus.RoleGateway, messages.EventSubject("glow-chicago", "lead-1", "booked"))
	publishRefused(bus.RoleSender, messages.EventSubject("glow-chicago", "lead-1", "booked"))
	publishRefused(bus.RoleWatch, messages.EventSubject("glow-chicago", "lead-1", "booked"))
	// Dead letters are read and replayed by ops only.
	publishRefused(bus.RoleGateway, messages.DeadSubject("sms"))
	publishRefused(bus.RoleGateway, "$JS.API.STREAM.MSG.GET."+messages.StreamDead)
	publishRefused(bus.RoleEngine, "$JS.API.STREAM.MSG.DELETE."+messages.StreamDead)
	// Nobody but the engine answers the engine's requests; the sender
	// does not pull inbound work, the engine not the commands.
	subscribeRefused(bus.RoleGateway, "medspa.rpc.>")
	subscribeRefused(bus.RoleSender, "medspa.rpc.>")
	publishRefused(bus.RoleSender, "$JS.API.CONSUMER.MSG.NEXT."+messages.StreamInbound+".engine-p0")
	publishRefused(bus.RoleEngine, "$JS.API.CONSUMER.MSG.NEXT."+messages.StreamOutbound+"."+bus.SenderConsumer)
	publishRefused(bus.RoleGateway, "$JS.API.CONSUMER.MSG.NEXT."+messages.StreamOutbound+"."+bus.SenderConsumer)
	// Commands and inbound work are read by their consumers only, never
	// subscribed to.
	for _, role := range []string{bus.RoleGateway, bus.RoleEngine, bus.RoleSender, bus.RoleWatch} {
		subscribeRefused(role, messages.SubjectCommands+".>")
	}
	// Replies, acks and pulled messages (the sender's texts) reach a client
	// on its inbox: no role reads another's, nor the shared default.
	subscribeRefused(bus.RoleWatch, "_INBOX.>")
	subscribeRefused(bus.RoleGateway, "_INBOX.>")
	subscribeRefused(bus.RoleGateway, bus.InboxPrefix(bus.RoleSender)+".>")
	subscribeRefused(bus.RoleEngine, bus.InboxPrefix(bus.RoleGateway)+".>")
	subscribeRefused(bus.RoleSender, bus.InboxPrefix(bus.RoleEngine)+".>")

	// None but ops creates, updates or deletes a stream, consumer or bucket.
	for _, role := range []string{bus.RoleGateway, bus.RoleEngine, bus.RoleSender, bus.RoleWatch} {
		nc, errs := connect(role)
		js, err := jetstream.New(nc)
		require.NoError(t, err)
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err = js.CreateStream(cctx, jetstream.StreamConfig{Name: "MEDSPA_ROGUE", Subjects: []string{"rogue.>"}})
		cancel()
		require.Error(t, err, role)
		refused(role, errs, "$JS.API.STREAM.CREATE.MEDSPA_ROGUE")
		publishRefused(role, "$JS.API.STREAM.UPDATE."+messages.StreamInbound)
		publishRefused(role, "$JS.API.STREAM.DELETE."+messages.StreamOutbound)
		publishRefused(role, "$JS.API.CONSUMER.CREATE."+messages.StreamOutbound+".rogue")
		publishRefused(role, "$JS.API.CONSUMER.DURABLE.CREATE."+messages.StreamOutbound+".rogue")
		publishRefused(role, "$JS.API.STREAM.PURGE."+messages.StreamInbound)
	}
	// The streams still are only what ops made (none here).
	ops, _ := connect(bus.RoleOps)
	js, err := jetstream.New(ops)
	require.NoError(t, err)
	_, err = js.Stream(context.Background(), "MEDSPA_ROGUE")
	require.ErrorIs(t, err, jetstream.ErrStreamNotFound)
}

// `medspa serve` runs the embedded server with a user per role, each with
// a random development password kept in DATA_DIR/dev-keys, and each of its
// components connects as its role's user: a conversation goes through
// without any of them being refused anything.
func TestServeComponentsConnectAsTheirRoles(t *testing.T) {
	cfg, priv, tel := newConfig(t, "")
	cfg.NATSURL = ""
	cfg.NATSListen = "" // in-process only
	logs := &lockedBuffer{}
	sys := startWith(t, cfg, priv, tel, app.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})

	for _, role := range bus.Roles {
		file := filepath.Join(cfg.DataDir, "dev-keys", app.DevNATSPasswordFile(role))
		fi, err := os.Stat(file)
		require.NoError(t, err, role)
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), role)
		p, err := app.DevNATSPassword(cfg.DataDir, role)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(p), 32, role)
	}

	lead := "+13125550189"
	status, body := sys.sms("auth-serve-1", lead, "Hi! How much is Botox?")
	require.Equal(t, http.StatusOK, status, body)
	got := tel.WaitFor(t, lead, 1, 20*time.Second)
	require.Contains(t, got[0].Text, "$12 per unit")
	sys.stop()
	require.Zero(t, logs.count(`"nats error"`), "a component was refused something")
}
