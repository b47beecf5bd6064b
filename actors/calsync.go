package actors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/emersion/go-ical"
	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/medspa/engine/internal/calsync"
	"github.com/medspa/engine/internal/clinic"
	"github.com/medspa/engine/messages"
	"github.com/medspa/engine/persistence"
)

// CalendarSync configures the sync of providers' external calendars
// (Provider.Calendar): busy time read into the clinic's calendar, holds
// and bookings written back.
type CalendarSync struct {
	// Every is the pace of the sync (CALENDAR_SYNC, default 1m).
	Every time.Duration
	// Secrets resolves the credentials the calendars name.
	Secrets calsync.Secrets
	// HTTP is the client for calendar servers (default: 20 s timeout).
	HTTP *http.Client
}

// SubjectCalendarSync is the core NATS request subject
// medspa.rpc.calsync.<clinic>: the engine node consuming the clinic's
// partition starts a sync of its calendars and answers at once.
const SubjectCalendarSync = "medspa.rpc.calsync"

// calendarHorizon is how far ahead busy time is read: the clinic offers
// slots up to 60 days ahead.
const calendarHorizon = 62 * 24 * time.Hour

// calendarSyncer keeps what was last read of each provider's calendar on
// this node. One pass runs at a time.
type calendarSyncer struct {
	e       *Engine
	cfg     CalendarSync
	kick    chan string
	remotes map[string]*remoteCalendar // "clinic/provider"

	mu      sync.Mutex
	waiting map[string]bool // clinics kicked and not yet synced
}

// remoteCalendar is one provider's external calendar as this node knows it.
type remoteCalendar struct {
	conf    clinic.ExternalCalendar
	coll    *calsync.Collection
	feed    *calsync.Feed
	failing bool // the last sync failed (logged once per outage)
}

func newCalendarSyncer(e *Engine, cfg CalendarSync) *calendarSyncer {
	if cfg.Every <= 0 {
		cfg.Every = time.Minute
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 20 * time.Second}
	}
	return &calendarSyncer{e: e, cfg: cfg, kick: make(chan string, 64), remotes: map[string]*remoteCalendar{}, waiting: map[string]bool{}}
}

// loop syncs the calendars of the clinics whose partitions this
// node consumes every cfg.Every (real time, like the timer loop) and when a
// sync is asked for (Kick).
func (s *calendarSyncer) loop(ctx context.Context) {
	t := time.NewTicker(s.cfg.Every)
	defer t.Stop()
	s.syncAll(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.syncAll(ctx)
		case id := <-s.kick:
			s.mu.Lock()
			delete(s.waiting, id)
			s.mu.Unlock()
			if c, ok := s.e.cfg.Clinics.ByID(id); ok {
				s.syncClinic(ctx, c)
			}
		}
	}
}

// Kick asks for a sync of a clinic's calendars. A clinic already waiting
// is not queued twice (that sync reads and writes everything that changed
// meanwhile); false when syncs are waiting for many clinics.
func (s *calendarSyncer) Kick(clinicID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.waiting[clinicID] {
		return true
	}
	select {
	case s.kick <- clinicID:
		s.waiting[clinicID] = true
		return true
	default:
		return false
	}
}

// calendarChanged is called by a clinic actor once a change of its
// calendar (a hold, a booking, a move, a cancellation, an expiry) is
// stored: a clinic whose providers keep an external calendar has it
// written now, not at the next scheduled sync, so the front desk sees the
// hold where it looks within moments.
func (e *Engine) calendarChanged(c *clinic.Clinic) {
	if e.cals == nil || c == nil {
		return
	}
	for _, p := range c.Providers {
		if p.Calendar != nil && p.Calendar.CalDAV != "" {
			e.cals.Kick(c.ID)
			return
		}
	}
}

func (s *calendarSyncer) syncAll(ctx context.Context) {
	for _, c := range s.e.cfg.Clinics.All() {
		if ctx.Err() != nil {
			return
		}
		s.syncClinic(ctx, c)
	}
}

// syncClinic syncs each provider calendar of c, if this node consumes c's
// partition.
func (s *calendarSyncer) syncClinic(ctx context.Context, c *clinic.Clinic) {
	pid := s.e.partitionPID(messages.PartitionOf(c.ID, s.e.cfg.Topology.Partitions))
	if pid == nil {
		return
	}
	for _, p := range c.Providers {
		if p.Calendar == nil || (p.Calendar.CalDAV == "" && p.Calendar.ICS == "") {
			continue
		}
		m := s.e.cfg.Metrics.calendar
		m.errors.WithLabelValues(c.ID, p.ID) // shown as 0 before the first failure
		err := s.syncProvider(ctx, pid, c, p)
		r := s.remotes[c.ID+"/"+p.ID]
		if err != nil {
			m.errors.WithLabelValues(c.ID, p.ID).Inc()
			if r != nil && !r.failing {
				s.e.cfg.Logger.Warn("calendar sync failed; the clinic keeps its last known busy time",
					slog.String("clinic_id", c.ID), slog.String("provider_id", p.ID), slog.String("error", err.Error()))
			}
			if r != nil {
				r.failing = true
			}
			m.up.WithLabelValues(c.ID, p.ID).Set(0)
			continue
		}
		if r != nil && r.failing {
			r.failing = false
			s.e.cfg.Logger.Info("calendar sync works again", slog.String("clinic_id", c.ID), slog.String("provider_id", p.ID))
		}
		m.up.WithLabelValues(c.ID, p.ID).Set(1)
		m.syncs.WithLabelValues(c.ID, p.ID).Inc()
		m.last.WithLabelValues(c.ID, p.ID).Set(float64(s.e.cfg.Now().Unix()))
	}
}

// remote returns the provider's calendar client, made anew when its
// settings changed.
func (s *calendarSyncer) remote(c *clinic.Clinic, p clinic.Provider) (*remoteCalendar, error) {
	key := c.ID + "/" + p.ID
	if r, ok := s.remotes[key]; ok && r.conf == *p.Calendar {
		return r, nil
	}
	cred, err := s.cfg.Secrets.Resolve(p.Calendar.Secret)
	if err != nil {
		s.remotes[key] = &remoteCalendar{conf: clinic.ExternalCalendar{}} // try again next time
		return nil, err
	}
	r := &remoteCalendar{conf: *p.Calendar}
	if p.Calendar.CalDAV != "" {
		r.coll, err = calsync.NewCollection(p.Calendar.CalDAV, cred, s.cfg.HTTP)
	} else {
		r.feed, err = calsync.NewFeed(p.Calendar.ICS, cred, s.cfg.HTTP)
	}
	if err != nil {
		return nil, err
	}
	if old, ok := s.remotes[key]; ok {
		r.failing = old.failing
	}
	s.remotes[key] = r
	return r, nil
}

// syncProvider reads the provider's busy time, hands it to the clinic actor
// (conflicts go to staff), and writes the provider's holds and bookings.
func (s *calendarSyncer) syncProvider(ctx context.Context, pid *actor.PID, c *clinic.Clinic, p clinic.Provider) error {
	r, err := s.remote(c, p)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var cals []*ical.Calendar
	if r.coll != nil {
		err = r.coll.Sync(rctx)
		cals = r.coll.Calendars()
	} else {
		err = r.feed.Fetch(rctx)
		cals = r.feed.Calendars()
	}
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	now := s.e.cfg.Now()
	loc := c.Location()
	y, mo, d := now.In(loc).Date()
	from := time.Date(y, mo, d, 0, 0, 0, 0, loc)
	busy, bad := calsync.Expand(cals, from, now.Add(calendarHorizon), loc)
	if len(bad) > 0 {
		s.e.cfg.Logger.Warn("calendar events skipped", slog.String("clinic_id", c.ID), slog.String("provider_id", p.ID),
			slog.Int("count", len(bad)), slog.String("first", bad[0].Error()))
	}
	blocks := make([]clinic.Block, 0, len(busy))
	for _, b := range busy {
		blocks = append(blocks, clinic.Block{UID: b.UID, Summary: b.Summary, Start: b.Start, End: b.End, Reason: "calendar"})
	}
	res, err := s.e.system.Root.RequestFuture(pid, &calendarBusyCall{clinicID: c.ID, providerID: p.ID, busy: blocks}, 15*time.Second).Result()
	if err != nil {
		return fmt.Errorf("clinic actor: %w", err)
	}
	reply, ok := res.(*calendarBusyReply)
	if !ok {
		return fmt.Errorf("clinic actor: unexpected answer %T", res)
	}
	if reply.err != nil {
		return fmt.Errorf("apply busy time: %w", reply.err)
	}
	s.e.cfg.Metrics.calendar.blocks.WithLabelValues(c.ID, p.ID).Set(float64(len(blocks)))
	if len(reply.conflicts) > 0 {
		if err := s.e.HandOffConflicts(ctx, c.ID, reply.conflicts); err != nil {
			return fmt.Errorf("hand off conflicts: %w", err)
		}
	}
	if r.coll == nil {
		return nil
	}
	put, del := calsync.Plan(calendarEntries(c, p.ID, reply.cal, now), r.coll.Written(c.ID+"/"+p.ID))
	for _, e := range put {
		if err := r.coll.Put(rctx, e); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	for _, path := range del {
		if err := r.coll.Delete(rctx, path); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	if n := len(put) + len(del); n > 0 {
		s.e.cfg.Metrics.calendar.writes.WithLabelValues(c.ID, p.ID).Add(float64(n))
	}
	return nil
}

// calendarEntries are the provider's active holds and bookings as events:
// a hold tentative, a booking confirmed, the summary the service's name
// (never the lead's name or number).
func calendarEntries(c *clinic.Clinic, providerID string, cal clinic.Calendar, now time.Time) []calsync.Entry {
	var out []calsync.Entry
	for _, a := range cal.Appointments {
		if a.ProviderID != providerID {
			continue
		}
		held := a.Status == clinic.StatusHeld && now.Before(a.HoldUntil)
		if !held && a.Status != clinic.StatusBooked {
			continue
		}
		name := a.ServiceID
		if svc, ok := c.ServiceByID(a.ServiceID); ok {
			name = svc.Name
		}
		summary := name + " (booked by text)"
		if held {
			summary = name + " (held, awaiting confirmation)"
		}
		out = append(out, calsync.Entry{AppointmentID: a.ID, Owner: c.ID + "/" + providerID, Summary: summary,
			Start: a.Start, End: a.End, Tentative: held, Stamp: now})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AppointmentID < out[j].AppointmentID })
	return out
}

// calendarBusyCall gives a clinic actor one provider's busy time as read
// from the provider's external calendar.
type calendarBusyCall struct {
	clinicID   string
	providerID string
	busy       []clinic.Block
}

// calendarBusyReply is the calendar after the busy time was applied and
// the active appointments new busy time overlaps.
type calendarBusyReply struct {
	cal       clinic.Calendar
	conflicts []clinic.Conflict
	err       error
}

// calendarBusy replaces the provider's calendar blocks (SetCalendarBusy)
// and persists the calendar with a version fence when they changed. The
// stored calendar keeps the last busy time read, so an unreachable calendar
// server leaves the clinic deciding on what it knew last.
func (a *clinicActor) calendarBusy(ctx actor.Context, call *calendarBusyCall) {
	if a.broken != nil {
		ctx.Respond(&calendarBusyReply{err: a.broken})
		return
	}
	for attempt := 0; attempt < 5; attempt++ {
		now := a.engine.cfg.Now()
		cur := a.view.load()
		next, conflicts := cur.SetCalendarBusy(call.providerID, call.busy, now)
		if sameCalendarBlocks(cur, next, call.providerID) {
			ctx.Respond(&calendarBusyReply{cal: cur})
			return
		}
		err := a.saveCalendar(next, now)
		switch {
		case err == nil:
			ctx.Respond(&calendarBusyReply{cal: next, conflicts: conflicts})
			return
		case errors.Is(err, errEncodeCalendar):
			ctx.Respond(&calendarBusyReply{err: err})
			return
		case !errors.Is(err, persistence.ErrVersionConflict):
			ctx.Respond(&calendarBusyReply{err: fmt.Errorf("save calendar: %w", err)})
			return
		}
		a.loadCalendar()
		if a.broken != nil {
			ctx.Respond(&calendarBusyReply{err: a.broken})
			return
		}
	}
	ctx.Respond(&calendarBusyReply{err: errors.New("save calendar: version conflicts persist")})
}

// sameCalendarBlocks reports whether a and b have the same calendar blocks
// of provider id.
func sameCalendarBlocks(a, b clinic.Calendar, id string) bool {
	keys := func(cal clinic.Calendar) map[string]clinic.Block {
		m := map[string]clinic.Block{}
		for _, x := range cal.Blocks {
			if x.Source == clinic.BlockCalendar && x.ProviderID == id {
				m[x.ID] = x
			}
		}
		return m
	}
	ka, kb := keys(a), keys(b)
	if len(ka) != len(kb) {
		return false
	}
	for k, x := range ka {
		y, ok := kb[k]
		if !ok || x.Summary != y.Summary || !x.Start.Equal(y.Start) || !x.End.Equal(y.End) {
			return false
		}
	}
	return true
}

// serveCalendarSync answers sync requests for the clinics whose partition
// this node consumes; the other nodes stay silent.
func (e *Engine) serveCalendarSync(nc *nats.Conn, s *calendarSyncer) (*nats.Subscription, error) {
	return nc.Subscribe(SubjectCalendarSync+".*", func(m *nats.Msg) {
		clinicID := m.Subject[strings.LastIndexByte(m.Subject, '.')+1:]
		if m.Reply == "" || e.partitionPID(messages.PartitionOf(clinicID, e.cfg.Topology.Partitions)) == nil {
			return
		}
		if _, ok := e.cfg.Clinics.ByID(clinicID); !ok {
			return
		}
		queued := s.Kick(clinicID)
		b, _ := json.Marshal(map[string]bool{"queued": queued})
		_ = m.Respond(b)
	})
}

// calendarMetrics say how each provider's calendar sync fares.
type calendarMetrics struct {
	errors *prometheus.CounterVec
	last   *prometheus.GaugeVec
	up     *prometheus.GaugeVec
	blocks *prometheus.GaugeVec
	writes *prometheus.CounterVec
	syncs  *prometheus.CounterVec
}

func newCalendarMetrics() *calendarMetrics {
	l := []string{"clinic", "provider"}
	return &calendarMetrics{
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_calendar_sync_errors_total",
			Help: "Failed syncs of a provider's external calendar (server unreachable, refused, unreadable); the clinic keeps its last known busy time."}, l),
		last: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "medspa_calendar_last_sync_timestamp_seconds",
			Help: "When a provider's external calendar was last synced in full (read and written), Unix seconds of the business clock."}, l),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "medspa_calendar_sync_up",
			Help: "1 when the last sync of a provider's external calendar worked, 0 when it failed."}, l),
		blocks: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "medspa_calendar_busy_blocks",
			Help: "Busy intervals read from a provider's external calendar at its last sync."}, l),
		writes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_calendar_writes_total",
			Help: "Events the engine put on or deleted from a provider's CalDAV calendar (holds, bookings, their changes)."}, l),
		syncs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "medspa_calendar_syncs_total",
			Help: "Completed syncs of a provider's external calendar (read, applied to the clinic, written)."}, l),
	}
}

func (m *calendarMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.errors, m.last, m.up, m.blocks, m.writes, m.syncs}
}
