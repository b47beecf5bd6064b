// Package layout holds no code: its tests check the direction of the
// module's imports (layout_test.go) and that no function outside tests is
// longer than 80 lines (funclen_test.go). The layers, lowest first:
//
//  0. core: messages and the pure internal packages (coreInternal)
//  1. adapters and services: internal/* not in the core (bus, carrier,
//     telnyx, twilio, payments, sender, outbox, calsync, clinicsync, ...),
//     persistence and its subpackages
//  2. actors, gateway
//  3. cmd/medspa/internal/* (composition root and the binary's tools)
//  4. cmd/*, deploy
//
// A package imports only packages of its own layer or a lower one. Go
// forbids circles; this test forbids upward arrows.
package layout
