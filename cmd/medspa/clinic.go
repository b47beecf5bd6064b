package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/medspa/engine/internal/directory"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/clinicsync"
	"github.com/medspa/engine/internal/clock"
)

const clinicUsage = `usage: medspa clinic add FILE

FILE is a clinics file (the layout of CLINICS_FILE: a top-level clinics: list,
YAML or JSON). Each clinic is stored in the configured store (DATABASE_URL, or
the embedded store in DATA_DIR) at settings version 1 and announced on NATS,
so every running process routes its numbers at once; a process that misses the
announcement loads it at its next reload (SETTINGS_RELOAD).`

// runClinic adds the clinics of a file to the store, as POST /admin/clinics
// does, without a restart of the running processes.
func runClinic(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) != 2 || args[0] != "add" {
		fmt.Fprintln(stderr, clinicUsage)
		return errors.New("clinic: want add FILE")
	}
	clinics, err := clinicsync.LoadFile(args[1])
	if err != nil {
		return err
	}
	// Only the store's settings matter here (a split deployment's
	// operator may not have the serving roles' secrets at hand).
	cfg := app.Defaults()
	if v := strings.TrimSpace(getenv("DATA_DIR")); v != "" {
		cfg.DataDir = v
	}
	cfg.DatabaseURL = strings.TrimSpace(getenv("DATABASE_URL"))
	log := newLogger(cfg.LogLevel, stderr)
	store, err := app.OpenStore(ctx, cfg, log, clock.Real)
	if err != nil {
		return err
	}
	defer store.Close()
	var closers []func()
	defer func() {
		for _, c := range closers {
			c()
		}
	}()

	var js jetstream.JetStream
	var jsErr error
	announce := func(ctx context.Context, subject, msgID string, data []byte) error {
		if js == nil && jsErr == nil { // connect once, at the first clinic
			var nc *nats.Conn
			if nc, js, jsErr = openJetStream(getenv, "medspa-clinic"); jsErr == nil {
				closers = append(closers, nc.Close)
			}
		}
		if jsErr != nil {
			return jsErr
		}
		_, err := js.Publish(ctx, subject, data, jetstream.WithMsgID(msgID))
		return err
	}
	dir := directory.New(nil)
	for _, c := range clinics {
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		s, err := clinicsync.Create(cctx, store, dir, c, "cli", clock.Real(), announce)
		cancel()
		switch {
		case err != nil && s.Version == 0:
			return fmt.Errorf("clinic %s: %w", c.ID, err)
		case err != nil:
			fmt.Fprintf(stdout, "clinic %s added (version %d); not announced (%v): running processes load it at their next reload (SETTINGS_RELOAD)\n", c.ID, s.Version, err)
		default:
			fmt.Fprintf(stdout, "clinic %s added (version %d); running processes route its numbers now\n", c.ID, s.Version)
		}
	}
	return nil
}
