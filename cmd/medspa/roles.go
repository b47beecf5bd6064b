package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/medspa/engine/cmd/medspa/internal/app"
	"github.com/medspa/engine/internal/bus"
	"github.com/medspa/engine/persistence/postgres"
	"github.com/medspa/engine/persistence/sqlite"
)

func runRole(ctx context.Context, role string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	roles := app.All
	switch role {
	case "gateway":
		roles = app.Roles{Gateway: true}
	case "engine":
		roles = app.Roles{Engine: true}
	case "sender":
		roles = app.Roles{Sender: true}
	}
	if role != "serve" && cfg.Embedded() {
		return fmt.Errorf("medspa %s runs beside other roles and needs NATS_URL; use `medspa serve` for one process", role)
	}
	log := newLogger(cfg.LogLevel, stderr)
	return app.Run(ctx, cfg, app.Options{Roles: roles, Logger: log, Console: stdout, Demo: role == "serve"})
}

func runMigrate(ctx context.Context, getenv func(string) string, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel, stderr)
	if cfg.DatabaseURL != "" {
		if err := postgres.Migrate(ctx, cfg.DatabaseURL, postgres.Options{}); err != nil {
			return err
		}
	} else if err := sqlite.Migrate(ctx, filepath.Join(cfg.DataDir, "store"), sqlite.Options{Logger: log}); err != nil {
		return err
	}
	log.Info("migrations applied", slog.String("store", map[bool]string{true: "postgres", false: "embedded"}[cfg.DatabaseURL != ""]))
	if cfg.Embedded() {
		return nil // medspa serve sets up its embedded server's streams itself
	}
	// The roles' NATS users may only look the streams and buckets up: set
	// them up here, as ops.
	nc, err := bus.Dial(cfg.NATSURL, "medspa-migrate", app.NATSClient(cfg, bus.RoleOps), nats.MaxReconnects(0))
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	if err := app.SetupBus(ctx, js, cfg); err != nil {
		return err
	}
	log.Info("streams and buckets set up", slog.Int("partitions", cfg.Partitions), slog.Int("replicas", cfg.StreamReplicas))
	return nil
}
