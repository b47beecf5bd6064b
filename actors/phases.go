package actors

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// phaseCensus is medspa_conversations_by_phase{clinic,phase}: the stored
// conversations of the clinics whose partitions this node consumes, by
// phase. When the node takes a partition it counts the partition's
// conversations in the store (Store.ConversationsByPhase) before it
// consumes a message; from then on every commit moves its conversation from
// the phase it was stored in to its new one. All of a clinic's
// conversations are written by the node that consumes its partition, so the
// count stays the store's, and the sum over the engine nodes is the whole
// store. A partition the node lets go takes its clinics' series with it.
type phaseCensus struct {
	desc *prometheus.Desc

	mu         sync.Mutex
	partitions int                       // of the topology: which partition a clinic is in
	counted    map[int]bool              // partitions counted: their clinics are reported
	counts     map[string]map[string]int // clinic -> phase -> conversations
}

func newPhaseCensus() *phaseCensus {
	opts := prometheus.GaugeOpts{Name: "medspa_conversations_by_phase",
		Help: "Stored conversations by clinic and phase, for the clinics whose partitions this engine node consumes (sum over the nodes for the whole store)."}
	return &phaseCensus{
		desc:    prometheus.NewDesc(opts.Name, opts.Help, []string{"clinic", "phase"}, nil),
		counted: map[int]bool{},
		counts:  map[string]map[string]int{},
	}
}

func (c *phaseCensus) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *phaseCensus) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for clinic, phases := range c.counts {
		for phase, n := range phases {
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), clinic, phase)
		}
	}
}

// set replaces the counts of partitions ps with those of the store.
func (c *phaseCensus) set(partitions int, ps []int, stored []persistence.PhaseCount) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.partitions = partitions
	c.dropLocked(ps)
	for _, p := range ps {
		c.counted[p] = true
	}
	for _, pc := range stored {
		if !slices.Contains(ps, messages.PartitionOf(pc.ClinicID, partitions)) {
			continue
		}
		if c.counts[pc.ClinicID] == nil {
			c.counts[pc.ClinicID] = map[string]int{}
		}
		c.counts[pc.ClinicID][pc.Phase] += pc.N
	}
}

// drop forgets partitions ps: this node no longer writes their clinics.
func (c *phaseCensus) drop(ps []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked(ps)
}

func (c *phaseCensus) dropLocked(ps []int) {
	for _, p := range ps {
		delete(c.counted, p)
	}
	for clinic := range c.counts {
		if c.partitions > 0 && slices.Contains(ps, messages.PartitionOf(clinic, c.partitions)) {
			delete(c.counts, clinic)
		}
	}
}

// uncounted returns the partitions of ps that are not counted.
func (c *phaseCensus) uncounted(ps []int) []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int
	for _, p := range ps {
		if !c.counted[p] {
			out = append(out, p)
		}
	}
	return out
}

// move counts one conversation of clinic out of phase from ("": it was not
// stored) and into phase to.
func (c *phaseCensus) move(clinic, from, to string) {
	if from == to {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.partitions == 0 || !c.counted[messages.PartitionOf(clinic, c.partitions)] {
		return
	}
	phases := c.counts[clinic]
	if phases == nil {
		phases = map[string]int{}
		c.counts[clinic] = phases
	}
	if from != "" {
		phases[from]--
	}
	if to != "" {
		phases[to]++
	}
}

// countPhases counts the conversations of partitions ps in the store, in
// one query. A failure is logged; those partitions are counted again by
// recountLoop.
func (e *Engine) countPhases(ctx context.Context, ps []int) {
	if len(ps) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	stored, err := e.cfg.Store.ConversationsByPhase(ctx)
	if err != nil {
		e.cfg.Logger.Warn("count conversations by phase; trying again later", slog.Any("partitions", ps), slog.String("error", err.Error()))
		return
	}
	e.cfg.Metrics.ops.phases.set(e.cfg.Topology.Partitions, ps, stored)
}

// recountLoop counts the partitions whose count failed when they were
// taken. Commits that land while such a count runs may be counted twice or
// not at all until the partition is next taken; a count that succeeds at
// once has no such window.
func (e *Engine) recountLoop(ctx context.Context) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if ps := e.cfg.Metrics.ops.phases.uncounted(e.running()); len(ps) > 0 {
			e.countPhases(ctx, ps)
		}
	}
}
