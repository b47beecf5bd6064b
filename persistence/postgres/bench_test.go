package postgres

import (
	"testing"

	"github.com/medspa/engine/persistence"
	"github.com/medspa/engine/persistence/storetest"
)

func BenchmarkApply(b *testing.B) {
	storetest.BenchApply(b, func(b *testing.B) persistence.Store { return newStore(b) })
}
