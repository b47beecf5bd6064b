package app_test

import (
	"testing"

	"github.com/medspa/engine/cmd/medspa/internal/app"
)

// The session cookie goes without Secure only in development on a loopback
// address.
func TestLoopbackDevelopment(t *testing.T) {
	for _, tt := range []struct {
		nats, listen string
		want         bool
	}{
		{"", "", true},
		{"", "127.0.0.1:9000", true},
		{"", "[::1]:9000", true},
		{"", "localhost:9000", true},
		{"", ":8080", false},
		{"", "0.0.0.0:8080", false},
		{"", "10.0.0.5:8080", false},
		{"nats://nats:4222", "127.0.0.1:8080", false},
		{"nats://nats:4222", "", false},
	} {
		cfg := app.Defaults()
		cfg.NATSURL, cfg.HTTPListen = tt.nats, tt.listen
		if got := cfg.LoopbackDevelopment(); got != tt.want {
			t.Errorf("NATS_URL=%q HTTP_LISTEN=%q: LoopbackDevelopment = %v, want %v", tt.nats, tt.listen, got, tt.want)
		}
	}
}
