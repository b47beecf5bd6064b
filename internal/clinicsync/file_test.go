package clinicsync_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/medspa/engine/internal/clinicsync"
)

const fileClinic = `
clinics:
  - id: a
    name: A Spa
    timezone: America/Chicago
    phone_numbers: ["+13125550100"]
    hours: {mon: "09:00-17:00", sun: closed}
    services:
      - {id: botox, name: Botox, duration_minutes: 30, price_cents: 1200, price_unit: unit, deposit_cents: 5000}
`

func TestLoadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "clinics.yaml")
	if err := os.WriteFile(p, []byte(fileClinic), 0o600); err != nil {
		t.Fatal(err)
	}
	cs, err := clinicsync.LoadFile(p)
	if err != nil || len(cs) != 1 {
		t.Fatalf("LoadFile = %v, %v", cs, err)
	}
	if _, err := clinicsync.LoadFile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Fatal("missing file: no error")
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("clinics: [{id: x, zzz: 1}]"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := clinicsync.LoadFile(bad); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "zzz") {
		t.Fatalf("want error naming file and field, got %v", err)
	}
}
