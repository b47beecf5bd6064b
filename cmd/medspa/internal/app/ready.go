package app

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
)

// readiness is what /readyz checks for the roles one process runs: the
// NATS connection always, and the store only when a role needs it to
// take work (the engine commits every message, the sender records every
// send). A gateway-only process hands webhooks to NATS without the store,
// so a database outage leaves it ready: its staff routes answer 503 on
// their own while the store is down, and the web form, which counts its
// limits in the store, too.
func readiness(roles Roles, natsStatus func() nats.Status, ping func(context.Context) error) func(context.Context) error {
	needStore := roles.Engine || roles.Sender
	return func(ctx context.Context) error {
		if s := natsStatus(); s != nats.CONNECTED {
			return fmt.Errorf("nats: %s", s)
		}
		if !needStore {
			return nil
		}
		if err := ping(ctx); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return nil
	}
}
