package actors

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/medspa/engine/internal/bus"
)

// Placement shares the inbound partitions among the live engine nodes, so
// that each partition is consumed by one node and the partitions spread
// evenly over the nodes.
//
// Every node keeps a heartbeat key in a JetStream key-value bucket whose
// keys expire after TTL, watches the bucket, and computes the same
// assignment (Assign) from the sorted member list. It starts consuming the
// partitions it gains; it drains, finishes and unpins those it loses. The
// pinned priority group fences the transition (while two nodes pull a
// partition only the pinned one gets messages), and the store's version
// check stops a stale writer. A node that dies drops out when its key
// expires; the node that gains its partitions unpins them, so they move
// after about TTL rather than after the pin's own timeout.
type Placement struct {
	// NodeID names this node in the bucket; empty means the host name and
	// a random suffix.
	NodeID string
	// Bucket is the key-value bucket (default bus.NodesBucket).
	Bucket string
	// TTL is how long a silent node keeps its partitions (default 6s);
	// Heartbeat how often a node refreshes its key (default TTL/3).
	TTL       time.Duration
	Heartbeat time.Duration
	// Replicas of the bucket (default the topology's).
	Replicas int
}

// DefaultNodeID is the host name with a random suffix, so that a restarted
// process is a new member.
func DefaultNodeID() string {
	host, _ := os.Hostname()
	host = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, host)
	if host == "" {
		host = "engine"
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return host + "-" + hex.EncodeToString(b)
}

// place runs this node's membership until ctx ends and keeps the partitions
// it consumes equal to its share. It returns when ctx ends; the caller stops
// what is still running.
func (e *Engine) place(ctx context.Context, pl Placement) {
	log := e.cfg.Logger
	if pl.NodeID == "" {
		pl.NodeID = DefaultNodeID()
	}
	if pl.Replicas == 0 {
		pl.Replicas = e.cfg.Topology.Replicas
	}
	var m *bus.Membership
	for {
		var err error
		m, err = bus.OpenMembership(ctx, e.cfg.JS, bus.MembershipConfig{Bucket: pl.Bucket, NodeID: pl.NodeID, TTL: pl.TTL,
			Heartbeat: pl.Heartbeat, Replicas: pl.Replicas, Logger: log, Now: e.cfg.Now})
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		log.Error("join engine nodes; retrying", slog.String("node", pl.NodeID), slog.String("error", err.Error()))
		sleepCtx(ctx, time.Second)
	}
	log.Info("engine node joining", slog.String("node", pl.NodeID), slog.Int("partitions", e.cfg.Topology.Partitions))

	views := make(chan []string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = m.Run(ctx, func(members []string) {
			select { // keep only the newest view
			case <-views:
			default:
			}
			views <- members
		})
	}()
	// A partition that failed to start is tried again on the next tick.
	retry := time.NewTicker(2 * time.Second)
	defer retry.Stop()
	var prev []string
	for {
		select {
		case <-ctx.Done():
			<-done
			return
		case members := <-views:
			e.rebalance(ctx, pl.NodeID, prev, members)
			prev = members
		case <-retry.C:
			if prev != nil {
				e.rebalance(ctx, pl.NodeID, prev, prev)
			}
		}
	}
}

// rebalance moves this node from the assignment of prev members to that of
// members: it starts the partitions it gains and stops those it loses.
func (e *Engine) rebalance(ctx context.Context, self string, prev, members []string) {
	n := e.cfg.Topology.Partitions
	want := Owned(Assign(n, members), self)
	before := Assign(n, prev)
	have := e.running()
	var gained, lost []int
	for _, p := range want {
		if !slices.Contains(have, p) {
			gained = append(gained, p)
		}
	}
	for _, p := range have {
		if !slices.Contains(want, p) {
			lost = append(lost, p)
		}
	}
	slices.Sort(lost)
	e.countPhases(ctx, gained) // before the first message of those partitions
	for _, p := range gained {
		// The previous owner is gone: nobody will unpin for it, so do it
		// now instead of waiting for the pin to time out. A previous owner
		// that is merely stalled is fenced by the pin and the store.
		if old := before[p]; old != "" && old != self && !slices.Contains(members, old) {
			e.unpin(p)
		}
		if err := e.startPartition(ctx, p); err != nil {
			if ctx.Err() != nil {
				return
			}
			e.cfg.Logger.Error("start partition; retrying", slog.Int("partition", p), slog.String("error", err.Error()))
		}
	}
	if len(lost) > 0 {
		e.stopPartitions(lost, 10*time.Second)
	}
	if len(gained) > 0 || len(lost) > 0 {
		e.cfg.Logger.Info("partition ownership changed", slog.String("node", self), slog.Int("nodes", len(members)),
			slog.Any("owned", want), slog.Any("gained", gained), slog.Any("released", lost))
	}
}
