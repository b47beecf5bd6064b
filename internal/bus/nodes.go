package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/internal/clock"
	"github.com/medspa/engine/internal/wait"
	"github.com/medspa/engine/messages"
)

// NodesBucket is the JetStream key-value bucket in which every engine node
// keeps a heartbeat key. A key lives for the bucket's TTL after its last
// refresh: a node that stops refreshing drops out of the membership without
// anyone having to declare it dead.
const NodesBucket = messages.BucketNodes

// MembershipConfig configures a node's membership in the nodes bucket.
type MembershipConfig struct {
	Bucket string // default NodesBucket
	NodeID string // required; letters, digits, '-', '_' and '.'
	// TTL is how long a heartbeat key lives after its last refresh
	// (default 6s); Heartbeat is how often it is refreshed (default TTL/3).
	TTL       time.Duration
	Heartbeat time.Duration
	// Resync is how often the whole bucket is listed again, as a safety net
	// for an expiry the watch missed (default TTL/2).
	Resync   time.Duration
	Replicas int
	Logger   *slog.Logger
	// Now is the clock of the heartbeat values (for operators reading the
	// bucket; liveness is the key's TTL); default clock.Real.
	Now func() time.Time
}

func (c *MembershipConfig) defaults() error {
	if c.Bucket == "" {
		c.Bucket = NodesBucket
	}
	if c.TTL <= 0 {
		c.TTL = 6 * time.Second
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = c.TTL / 3
	}
	if c.Resync <= 0 {
		c.Resync = c.TTL / 2
	}
	if c.Replicas < 1 {
		c.Replicas = 1
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Now = clock.Or(c.Now)
	if c.NodeID == "" || strings.Trim(c.NodeID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" ||
		strings.HasPrefix(c.NodeID, ".") || strings.HasSuffix(c.NodeID, ".") {
		return fmt.Errorf("node id %q: use letters, digits, '-', '_' and '.'", c.NodeID)
	}
	if c.Heartbeat >= c.TTL {
		return fmt.Errorf("heartbeat %s must be shorter than the ttl %s", c.Heartbeat, c.TTL)
	}
	return nil
}

// Membership is this node's heartbeat in the nodes bucket and its view of
// the live nodes.
type Membership struct {
	cfg MembershipConfig
	kv  jetstream.KeyValue

	mu      sync.Mutex
	members map[string]bool
}

// OpenMembership opens the nodes bucket, creating or updating it when it is
// missing or differs (EnsureKeyValue). Expired keys leave a
// marker that watchers see, so a dead node is noticed when its key expires.
func OpenMembership(ctx context.Context, js jetstream.JetStream, cfg MembershipConfig) (*Membership, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	kv, err := EnsureKeyValue(ctx, js, NodesBucketConfig(cfg))
	if err != nil {
		return nil, fmt.Errorf("nodes bucket: %w", err)
	}
	return &Membership{cfg: cfg, kv: kv, members: map[string]bool{}}, nil
}

// NodesBucketConfig is the nodes bucket of cfg (the defaults where unset).
func NodesBucketConfig(cfg MembershipConfig) jetstream.KeyValueConfig {
	cfg.NodeID = "x"
	_ = cfg.defaults()
	return jetstream.KeyValueConfig{
		Bucket:         cfg.Bucket,
		Description:    "engine node heartbeats: a key per live node",
		History:        1,
		TTL:            cfg.TTL,
		LimitMarkerTTL: cfg.TTL,
		Storage:        jetstream.MemoryStorage,
		Replicas:       cfg.Replicas,
	}
}

// NodeID is this node's id.
func (m *Membership) NodeID() string { return m.cfg.NodeID }

// Run keeps this node's heartbeat and calls changed with the sorted list of
// live nodes each time the set changes (this node is in it only while its
// own key is alive). When ctx ends it deletes its key, so the others take
// over at once, and returns.
func (m *Membership) Run(ctx context.Context, changed func(members []string)) error {
	events := make(chan struct{}, 1)
	notify := func() {
		select {
		case events <- struct{}{}:
		default:
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); m.watch(ctx, notify) }()
	defer wg.Wait()

	beat := time.NewTicker(m.cfg.Heartbeat)
	defer beat.Stop()
	resync := time.NewTicker(m.cfg.Resync)
	defer resync.Stop()
	m.heartbeat(ctx, notify)
	m.resync(ctx, notify)
	var last []string
	for {
		select {
		case <-ctx.Done():
			m.leave()
			return nil
		case <-beat.C:
			m.heartbeat(ctx, notify)
		case <-resync.C:
			m.resync(ctx, notify)
		case <-events:
		}
		now := m.Members()
		if !slices.Equal(now, last) {
			last = now
			changed(slices.Clone(now))
		}
	}
}

// Members is the sorted list of live nodes as this node sees them.
func (m *Membership) Members() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.members))
	for id := range m.members {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func (m *Membership) set(id string, alive bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.members[id] == alive {
		return false
	}
	if alive {
		m.members[id] = true
	} else {
		delete(m.members, id)
	}
	return true
}

func (m *Membership) heartbeat(ctx context.Context, notify func()) {
	pctx, cancel := context.WithTimeout(ctx, m.cfg.Heartbeat)
	defer cancel()
	if _, err := m.kv.PutString(pctx, m.cfg.NodeID, m.cfg.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		if ctx.Err() == nil {
			m.cfg.Logger.Warn("node heartbeat failed", slog.String("node", m.cfg.NodeID), slog.String("error", err.Error()))
		}
		return
	}
	if m.set(m.cfg.NodeID, true) {
		notify()
	}
}

// resync lists the bucket's live keys and replaces the view with them.
func (m *Membership) resync(ctx context.Context, notify func()) {
	lctx, cancel := context.WithTimeout(ctx, m.cfg.Resync)
	defer cancel()
	lister, err := m.kv.ListKeys(lctx)
	live := map[string]bool{}
	if err == nil {
		for k := range lister.Keys() {
			live[k] = true
		}
		err = lister.Stop()
	}
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		if ctx.Err() == nil {
			m.cfg.Logger.Debug("list nodes", slog.String("error", err.Error()))
		}
		return
	}
	m.mu.Lock()
	differs := len(live) != len(m.members)
	for k := range live {
		differs = differs || !m.members[k]
	}
	m.members = live
	m.mu.Unlock()
	if differs {
		notify()
	}
}

// watch follows puts, deletes and expiries of the bucket's keys.
func (m *Membership) watch(ctx context.Context, notify func()) {
	for ctx.Err() == nil {
		w, err := m.kv.WatchAll(ctx)
		if err != nil {
			m.cfg.Logger.Debug("watch nodes", slog.String("error", err.Error()))
			wait.Sleep(ctx, time.Second)
			continue
		}
		updates := w.Updates()
	follow:
		for {
			select {
			case <-ctx.Done():
				break follow
			case e, ok := <-updates:
				if !ok {
					break follow
				}
				if e == nil {
					continue // the initial values are complete
				}
				if m.set(e.Key(), e.Operation() == jetstream.KeyValuePut) {
					notify()
				}
			}
		}
		_ = w.Stop()
	}
}

// leave deletes this node's key so the others take its partitions without
// waiting for the key to expire.
func (m *Membership) leave() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := m.kv.Delete(ctx, m.cfg.NodeID); err != nil {
		m.cfg.Logger.Debug("leave nodes bucket", slog.String("error", err.Error()))
	}
	m.set(m.cfg.NodeID, false)
}
