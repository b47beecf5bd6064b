package app

import (
	"context"
	"errors"
	"testing"

	"github.com/nats-io/nats.go"
)

// /readyz checks NATS in every role and the store only in the roles that
// need it to take work: a gateway-only process stays ready while the
// database is down.
func TestReadinessMatchesTheRole(t *testing.T) {
	storeDown := func(context.Context) error { return errors.New("dial tcp: connection refused") }
	storeUp := func(context.Context) error { return nil }
	connected := func() nats.Status { return nats.CONNECTED }
	reconnecting := func() nats.Status { return nats.RECONNECTING }
	for _, tc := range []struct {
		name  string
		roles Roles
		nats  func() nats.Status
		ping  func(context.Context) error
		ready bool
	}{
		{"gateway, store down", Roles{Gateway: true}, connected, storeDown, true},
		{"gateway, NATS down", Roles{Gateway: true}, reconnecting, storeUp, false},
		{"engine, store down", Roles{Engine: true}, connected, storeDown, false},
		{"sender, store down", Roles{Sender: true}, connected, storeDown, false},
		{"gateway and sender, store down", Roles{Gateway: true, Sender: true}, connected, storeDown, false},
		{"serve, store down", All, connected, storeDown, false},
		{"serve, NATS down", All, reconnecting, storeUp, false},
		{"serve, both up", All, connected, storeUp, true},
	} {
		err := readiness(tc.roles, tc.nats, tc.ping)(context.Background())
		if (err == nil) != tc.ready {
			t.Errorf("%s: readiness = %v, want ready %v", tc.name, err, tc.ready)
		}
	}
}
