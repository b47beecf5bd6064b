package app

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/medspa/engine/actors"
	"github.com/medspa/engine/gateway"
	"github.com/medspa/engine/internal/calsync"
)

// calendarSync configures the engine's sync of providers' external
// calendars: its pace, and credentials from CALDAV_SECRET_<NAME> in the
// environment or the secrets file.
func calendarSync(cfg Config) *actors.CalendarSync {
	return &actors.CalendarSync{Every: cfg.CalendarSync, Secrets: calsync.Secrets{Getenv: os.Getenv, File: cfg.SecretsFile}}
}

// calendarSyncer asks the engine node that owns the clinic to sync its
// calendars now (medspa.rpc.calsync.<clinic>).
func calendarSyncer(nc *nats.Conn) gateway.CalendarSyncer {
	return func(ctx context.Context, clinicID string) error {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := nc.RequestWithContext(ctx, actors.SubjectCalendarSync+"."+clinicID, nil); err != nil {
			return fmt.Errorf("%w: no engine node answered for clinic %s: %v", gateway.ErrUnavailable, clinicID, err)
		}
		return nil
	}
}
